-- A server with mail off leaves the digest timers to a server with mail
-- on (SPEC §9: the day's digest still goes when one starts after the
-- hour), so it claims the armed timers of every other kind only. This
-- index holds just those, in timers_armed's order: what it claims is read
-- at once however many digest timers wait in timers_armed. It is partial
-- on the condition only that claim states, so the claim of a server with
-- mail on never takes it.

-- +goose Up
CREATE INDEX timers_armed_mail_off ON timers (fire_at, kind, subject_id) WHERE armed = 1 AND kind <> 'digest';

-- +goose Down
DROP INDEX timers_armed_mail_off;
