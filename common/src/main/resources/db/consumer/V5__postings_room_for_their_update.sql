-- A posting row is written twice: inserted with its decision, updated once when the producer
-- confirms. Full pages (fillfactor 100) had no room for the new version beside the old one, so most
-- confirms wrote it on another page: the old version locked in a WAL record of its own while a page
-- with room was found, the new version logged whole, a fresh page started every few dozen postings.
-- Pages filled to 45% leave room beside each row for its update, whose version is a little larger
-- (it carries confirmed_at). The update is still not a HOT one: it sets confirmed, which the re-send
-- index's predicate reads, so it adds a primary key entry all the same.
ALTER TABLE postings SET (fillfactor = 45);
