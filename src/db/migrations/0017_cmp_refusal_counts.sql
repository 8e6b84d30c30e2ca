-- CMP requests refused before their MAC or signature verified, counted per minute and refusal code
-- (src/ca/cmp-refusal-counts.ts) instead of one audit entry each. `summarized` is how many of the
-- hits a `cmp.refused.summary` audit entry already carries; a closed minute with more is due.
CREATE TABLE cmp_refusal_counts (
  window_start timestamptz NOT NULL,
  code text NOT NULL,
  hits bigint NOT NULL,
  summarized bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (window_start, code)
);

CREATE INDEX cmp_refusal_counts_due ON cmp_refusal_counts (window_start) WHERE hits > summarized;
