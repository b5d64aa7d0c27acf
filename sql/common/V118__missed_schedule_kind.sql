-- Finding kinds are upper case; the missed schedule's was the one written in lower case.
UPDATE finding SET kind = 'MISSED_SCHEDULE' WHERE kind = 'missed_schedule';
