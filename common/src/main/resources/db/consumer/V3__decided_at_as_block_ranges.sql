-- decided_at grows with the table: a block range index finds a span of time (injector watch's recent
-- decisions, retention by age) at almost no cost per row, where a B-tree took an entry for every
-- decision and another for its confirmation's new row version (see the producer's V4).
DROP INDEX postings_decided;
CREATE INDEX postings_decided ON postings USING brin (decided_at);
