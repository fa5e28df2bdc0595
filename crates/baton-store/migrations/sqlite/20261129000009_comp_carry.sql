-- What carries commissions from one period to the next: when a customer paid (for plans that
-- credit on payment), refunds and churn (clawbacks), and dated exchange rates (deals in other
-- currencies than a plan's).

ALTER TABLE deals ADD COLUMN payment_date TEXT;
CREATE INDEX deals_payment_date ON deals (payment_date) WHERE payment_date IS NOT NULL;

-- A won deal refunded (in part or whole) or churned; a clawback in the period of `on_date`.
CREATE TABLE deal_refunds (
    id INTEGER PRIMARY KEY,
    deal_id INTEGER NOT NULL REFERENCES deals (id),
    kind TEXT NOT NULL CHECK (kind IN ('refund', 'churn')),
    on_date TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    note TEXT,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX deal_refunds_on ON deal_refunds (on_date);
CREATE INDEX deal_refunds_deal ON deal_refunds (deal_id);

-- One unit of `from_currency` is `rate` units of `to_currency` from `rate_date` until the next
-- rate of the pair. `rate` is a decimal in text: never a float.
CREATE TABLE exchange_rates (
    id INTEGER PRIMARY KEY,
    from_currency TEXT NOT NULL,
    to_currency TEXT NOT NULL,
    rate_date TEXT NOT NULL,
    rate TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    UNIQUE (from_currency, to_currency, rate_date)
) STRICT;
