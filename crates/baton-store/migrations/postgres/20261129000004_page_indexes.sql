-- What the workspace pages need to answer in milliseconds at a million deals.

-- Deals by amount, largest first and deals without an amount last: the deals list sorted by
-- amount, the deals gone quiet on Today (which walk the largest deals and stop at their limit),
-- and a board column's cards.
CREATE INDEX deals_amount ON deals ((amount_minor IS NULL), amount_minor DESC, id DESC);
CREATE INDEX deals_stage_amount ON deals (stage_id, (amount_minor IS NULL), amount_minor DESC, id DESC);
-- A stage's deals by close date: a board's won and lost columns, latest first within a quarter.
CREATE INDEX deals_stage_close ON deals (stage_id, close_date, id);
-- The calls, emails, meetings and notes on a deal by time (tasks are reminders, not touches):
-- whether a deal has gone quiet, and when it was last touched, from the index alone.
CREATE INDEX activities_deal_touch ON activities (deal_id, occurred_at)
    WHERE archived_at IS NULL AND kind <> 'task';
-- The accounts of an owner's deals, from the index alone: what a rep's or manager's scope
-- reaches besides the accounts they own.
CREATE INDEX deals_owner_account ON deals (owner_id, account_id);
-- An owner's deals by close date: the deals closing this month on a rep's or manager's Today.
CREATE INDEX deals_owner_close ON deals (owner_id, close_date);
-- Contacts whose email breaks the rule on Today. The query repeats this condition
-- so that the planner can use the index.
-- Deals missing a close date or an amount, by stage: the late-stage ones on Today.
CREATE INDEX deals_incomplete ON deals (stage_id, id) WHERE close_date IS NULL OR amount_minor IS NULL;
CREATE INDEX contacts_bad_email ON contacts (id)
    WHERE email IS NOT NULL AND (email NOT LIKE '%_@_%._%' OR email LIKE '% %');
-- Accounts by the keys of account_keys below (the indexes of the core schema sort in "C").
CREATE INDEX accounts_name_key ON accounts (lower(name));
CREATE INDEX accounts_domain_key ON accounts (lower(domain));

-- The pipeline board's column totals, kept by a trigger: how many live deals, and how much, per
-- stage, owner, currency and close month ('YYYY-MM', or '' without a close date). A board sums a
-- few thousand of these rows instead of a million deals.
CREATE TABLE deal_totals (
    stage_id BIGINT NOT NULL,
    close_month TEXT NOT NULL,
    owner_id BIGINT NOT NULL,
    currency TEXT NOT NULL,
    deals BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    PRIMARY KEY (stage_id, close_month, owner_id, currency)
);

INSERT INTO deal_totals (stage_id, close_month, owner_id, currency, deals, amount_minor)
SELECT stage_id, COALESCE(to_char(close_date, 'YYYY-MM'), ''), owner_id, currency, COUNT(*),
       COALESCE(SUM(amount_minor), 0)
FROM deals WHERE archived_at IS NULL
GROUP BY stage_id, COALESCE(to_char(close_date, 'YYYY-MM'), ''), owner_id, currency;

CREATE FUNCTION deal_totals_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.archived_at IS NULL THEN
        UPDATE deal_totals SET deals = deals - 1,
            amount_minor = amount_minor - COALESCE(OLD.amount_minor, 0)
        WHERE stage_id = OLD.stage_id
          AND close_month = COALESCE(to_char(OLD.close_date, 'YYYY-MM'), '')
          AND owner_id = OLD.owner_id AND currency = OLD.currency;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.archived_at IS NULL THEN
        INSERT INTO deal_totals (stage_id, close_month, owner_id, currency, deals, amount_minor)
        VALUES (NEW.stage_id, COALESCE(to_char(NEW.close_date, 'YYYY-MM'), ''), NEW.owner_id,
                NEW.currency, 1, COALESCE(NEW.amount_minor, 0))
        ON CONFLICT (stage_id, close_month, owner_id, currency) DO UPDATE
        SET deals = deal_totals.deals + 1,
            amount_minor = deal_totals.amount_minor + excluded.amount_minor;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER deal_totals_keep
AFTER INSERT OR DELETE OR UPDATE OF stage_id, close_date, owner_id, currency, amount_minor, archived_at
ON deals FOR EACH ROW EXECUTE FUNCTION deal_totals_keep();

-- Keys that several live accounts share, kept by a trigger: lower-cased names and domains.
-- Today's "likely duplicates" reads the few keys counted more than once instead of grouping
-- every account.
CREATE TABLE account_keys (
    kind TEXT NOT NULL CHECK (kind IN ('name', 'domain')),
    key TEXT NOT NULL,
    accounts BIGINT NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE INDEX account_keys_shared ON account_keys (kind, key) WHERE accounts > 1;

INSERT INTO account_keys (kind, key, accounts)
SELECT 'name', lower(name), COUNT(*) FROM accounts WHERE archived_at IS NULL GROUP BY lower(name);
INSERT INTO account_keys (kind, key, accounts)
SELECT 'domain', lower(domain), COUNT(*) FROM accounts
WHERE archived_at IS NULL AND domain IS NOT NULL GROUP BY lower(domain);

CREATE FUNCTION account_keys_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.archived_at IS NULL THEN
        UPDATE account_keys SET accounts = accounts - 1
        WHERE (kind, key) IN (('name', lower(OLD.name)), ('domain', lower(OLD.domain)));
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.archived_at IS NULL THEN
        INSERT INTO account_keys (kind, key, accounts)
        SELECT k.kind, k.key, 1 FROM (VALUES ('name', lower(NEW.name)), ('domain', lower(NEW.domain))) AS k (kind, key)
        WHERE k.key IS NOT NULL
        ON CONFLICT (kind, key) DO UPDATE SET accounts = account_keys.accounts + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER account_keys_keep
AFTER INSERT OR DELETE OR UPDATE OF name, domain, archived_at
ON accounts FOR EACH ROW EXECUTE FUNCTION account_keys_keep();
