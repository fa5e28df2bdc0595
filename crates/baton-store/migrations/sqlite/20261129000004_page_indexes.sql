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

-- The pipeline board's column totals, kept by triggers: how many live deals, and how much, per
-- stage, owner, currency and close month ('YYYY-MM', or '' without a close date). A board sums a
-- few thousand of these rows instead of a million deals.
CREATE TABLE deal_totals (
    stage_id INTEGER NOT NULL,
    close_month TEXT NOT NULL,
    owner_id INTEGER NOT NULL,
    currency TEXT NOT NULL,
    deals INTEGER NOT NULL,
    amount_minor INTEGER NOT NULL,
    PRIMARY KEY (stage_id, close_month, owner_id, currency)
) STRICT, WITHOUT ROWID;

INSERT INTO deal_totals (stage_id, close_month, owner_id, currency, deals, amount_minor)
SELECT stage_id, COALESCE(substr(close_date, 1, 7), ''), owner_id, currency, COUNT(*),
       COALESCE(SUM(amount_minor), 0)
FROM deals WHERE archived_at IS NULL
GROUP BY stage_id, COALESCE(substr(close_date, 1, 7), ''), owner_id, currency;

CREATE TRIGGER deal_totals_insert AFTER INSERT ON deals WHEN NEW.archived_at IS NULL
BEGIN
    INSERT INTO deal_totals (stage_id, close_month, owner_id, currency, deals, amount_minor)
    VALUES (NEW.stage_id, COALESCE(substr(NEW.close_date, 1, 7), ''), NEW.owner_id, NEW.currency,
            1, COALESCE(NEW.amount_minor, 0))
    ON CONFLICT (stage_id, close_month, owner_id, currency) DO UPDATE
    SET deals = deals + 1, amount_minor = amount_minor + excluded.amount_minor;
END;

CREATE TRIGGER deal_totals_remove
AFTER UPDATE OF stage_id, close_date, owner_id, currency, amount_minor, archived_at ON deals
WHEN OLD.archived_at IS NULL
BEGIN
    UPDATE deal_totals SET deals = deals - 1, amount_minor = amount_minor - COALESCE(OLD.amount_minor, 0)
    WHERE stage_id = OLD.stage_id AND close_month = COALESCE(substr(OLD.close_date, 1, 7), '')
      AND owner_id = OLD.owner_id AND currency = OLD.currency;
END;

CREATE TRIGGER deal_totals_add
AFTER UPDATE OF stage_id, close_date, owner_id, currency, amount_minor, archived_at ON deals
WHEN NEW.archived_at IS NULL
BEGIN
    INSERT INTO deal_totals (stage_id, close_month, owner_id, currency, deals, amount_minor)
    VALUES (NEW.stage_id, COALESCE(substr(NEW.close_date, 1, 7), ''), NEW.owner_id, NEW.currency,
            1, COALESCE(NEW.amount_minor, 0))
    ON CONFLICT (stage_id, close_month, owner_id, currency) DO UPDATE
    SET deals = deals + 1, amount_minor = amount_minor + excluded.amount_minor;
END;

CREATE TRIGGER deal_totals_delete AFTER DELETE ON deals WHEN OLD.archived_at IS NULL
BEGIN
    UPDATE deal_totals SET deals = deals - 1, amount_minor = amount_minor - COALESCE(OLD.amount_minor, 0)
    WHERE stage_id = OLD.stage_id AND close_month = COALESCE(substr(OLD.close_date, 1, 7), '')
      AND owner_id = OLD.owner_id AND currency = OLD.currency;
END;

-- Keys that several live accounts share, kept by triggers: lower-cased names and domains.
-- Today's "likely duplicates" reads the few keys counted more than once instead of grouping
-- every account.
CREATE TABLE account_keys (
    kind TEXT NOT NULL CHECK (kind IN ('name', 'domain')),
    -- ANY, not TEXT: a TEXT column would give `lower(x.name) = k.key` text affinity, which
    -- keeps SQLite from looking the key up in the accounts' `lower(name)` index.
    key ANY NOT NULL,
    accounts INTEGER NOT NULL,
    PRIMARY KEY (kind, key)
) STRICT, WITHOUT ROWID;
CREATE INDEX account_keys_shared ON account_keys (kind, key) WHERE accounts > 1;

INSERT INTO account_keys (kind, key, accounts)
SELECT 'name', lower(name), COUNT(*) FROM accounts WHERE archived_at IS NULL GROUP BY lower(name);
INSERT INTO account_keys (kind, key, accounts)
SELECT 'domain', lower(domain), COUNT(*) FROM accounts
WHERE archived_at IS NULL AND domain IS NOT NULL GROUP BY lower(domain);

CREATE TRIGGER account_keys_insert AFTER INSERT ON accounts WHEN NEW.archived_at IS NULL
BEGIN
    INSERT INTO account_keys (kind, key, accounts) VALUES ('name', lower(NEW.name), 1)
    ON CONFLICT (kind, key) DO UPDATE SET accounts = accounts + 1;
    INSERT INTO account_keys (kind, key, accounts)
    SELECT 'domain', lower(NEW.domain), 1 WHERE NEW.domain IS NOT NULL
    ON CONFLICT (kind, key) DO UPDATE SET accounts = accounts + 1;
END;

CREATE TRIGGER account_keys_remove AFTER UPDATE OF name, domain, archived_at ON accounts
WHEN OLD.archived_at IS NULL
BEGIN
    UPDATE account_keys SET accounts = accounts - 1 WHERE kind = 'name' AND key = lower(OLD.name);
    UPDATE account_keys SET accounts = accounts - 1 WHERE kind = 'domain' AND key = lower(OLD.domain);
END;

CREATE TRIGGER account_keys_add AFTER UPDATE OF name, domain, archived_at ON accounts
WHEN NEW.archived_at IS NULL
BEGIN
    INSERT INTO account_keys (kind, key, accounts) VALUES ('name', lower(NEW.name), 1)
    ON CONFLICT (kind, key) DO UPDATE SET accounts = accounts + 1;
    INSERT INTO account_keys (kind, key, accounts)
    SELECT 'domain', lower(NEW.domain), 1 WHERE NEW.domain IS NOT NULL
    ON CONFLICT (kind, key) DO UPDATE SET accounts = accounts + 1;
END;

CREATE TRIGGER account_keys_delete AFTER DELETE ON accounts WHEN OLD.archived_at IS NULL
BEGIN
    UPDATE account_keys SET accounts = accounts - 1 WHERE kind = 'name' AND key = lower(OLD.name);
    UPDATE account_keys SET accounts = accounts - 1 WHERE kind = 'domain' AND key = lower(OLD.domain);
END;
