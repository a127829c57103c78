ALTER TABLE survey_unit_counts DROP COLUMN parent_id;
