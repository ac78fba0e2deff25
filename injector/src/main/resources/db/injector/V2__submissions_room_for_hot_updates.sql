-- Each submission is inserted, then updated once or twice as its replies come (acknowledged,
-- reply_result, ...: no indexed column). Full pages left those updates no room beside the row, so
-- every one wrote a new row version on another page and new entries in both indexes; on a server
-- without autovacuum the table doubled. Leaving a third of each new page free lets them stay on the
-- page (HOT updates, no index writes). Pages already written keep their layout.
ALTER TABLE submissions SET (fillfactor = 65);
