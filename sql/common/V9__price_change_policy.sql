-- Plans that hold price changes until someone approves them (plans file: price_changes: hold).
ALTER TABLE plan ADD COLUMN price_changes VARCHAR(10) DEFAULT 'auto' NOT NULL;

-- Approvals of a price sync's changes (feed name and effective instant) for those plans.
CREATE TABLE price_approval (
    feed_name VARCHAR(200) NOT NULL,
    effective_from TIMESTAMP WITH TIME ZONE NOT NULL,
    approved_at TIMESTAMP WITH TIME ZONE NOT NULL,
    approved_by VARCHAR(200) NOT NULL,
    reason VARCHAR(2000),
    PRIMARY KEY (feed_name, effective_from)
);
