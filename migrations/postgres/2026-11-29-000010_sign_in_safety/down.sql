DROP TABLE ended_sessions;
DROP TABLE known_sign_in_addresses;
