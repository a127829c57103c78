-- Addresses a person has signed in from: the account-wide and address-wide limits of failed
-- sign-ins never refuse them, so an attacker elsewhere cannot lock the real person out.
CREATE TABLE known_sign_in_addresses (
    person_id BIGINT NOT NULL REFERENCES people (id),
    address TEXT NOT NULL,
    last_at TIMESTAMP NOT NULL,
    PRIMARY KEY (person_id, address)
);

-- Web sessions signed out one by one; kept until the session would have expired anyway.
CREATE TABLE ended_sessions (
    id TEXT PRIMARY KEY,
    ends_at TIMESTAMP NOT NULL
);
CREATE INDEX ended_sessions_ends_idx ON ended_sessions (ends_at);
