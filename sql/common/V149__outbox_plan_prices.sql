-- The price versions and approvals the tokens layout's last outbox build had seen: a version or approval added since
-- that begins inside an open billing period splits it for plans that move items at a change's instant, so the open
-- periods are planned again (counts sent before the change are taken back).
CREATE TABLE outbox_plan_prices (
    last_price_id BIGINT NOT NULL,
    last_approved_at TIMESTAMP WITH TIME ZONE
);
