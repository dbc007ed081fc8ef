-- 007 (issue 13): who confirmed the extended email notifications' terms, what text, and when (issue 13).
-- The cloud keeps only a flag; the console keeps the record a person asks for ("who agreed to
-- send host names and passwords by email?"). A row is written before the cloud is asked
-- (pending = 1) and confirmed after it answers, or deleted when it refuses: a process that
-- dies in between leaves a pending row that mdr.settings.get settles against the cloud.
CREATE TABLE settings_consent (
    id           INTEGER PRIMARY KEY,
    confirmed_by TEXT NOT NULL,    -- the console user
    confirmed_ms INTEGER NOT NULL, -- host clock
    lang         TEXT NOT NULL,    -- the language the text was shown in
    text         TEXT NOT NULL,    -- the confirmation text exactly as shown
    pending      INTEGER NOT NULL DEFAULT 1
);

-- When the console last had a verification code mailed for a user's notification address. The
-- code is valid 10 minutes; the console checks that on its own clock too, so an expired code
-- is refused with Resend offered even when the cloud's clock lags. The code itself never
-- reaches the console's store. (One migration for both: numbers must be contiguous.)
CREATE TABLE notification_codes (
    user_name TEXT PRIMARY KEY NOT NULL, -- the console user whose notifications these are
    sent_ms   INTEGER NOT NULL           -- host clock, when the code was mailed
) WITHOUT ROWID;
