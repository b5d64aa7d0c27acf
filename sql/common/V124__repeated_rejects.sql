-- A bad line of a changed file that the version it changed from also had is a repeat: it is kept with the
-- version's other bad lines, so that the next version finds it among them, but it is counted as a duplicate and
-- not listed in the run's rejects.csv again.
ALTER TABLE reject ADD COLUMN repeated BOOLEAN DEFAULT FALSE NOT NULL;
