-- The survey's unit tree as it was when it opened: results are grouped and suppressed over this
-- tree, so moving units later cannot turn two safe views into one that reveals.
ALTER TABLE survey_unit_counts ADD COLUMN parent_id BIGINT;
UPDATE survey_unit_counts SET parent_id = (
    SELECT units.parent_id FROM units WHERE units.id = survey_unit_counts.unit_id
);
-- The surveyed unit is the top of its survey's tree.
UPDATE survey_unit_counts SET parent_id = NULL
WHERE unit_id = (SELECT surveys.unit_id FROM surveys WHERE surveys.id = survey_unit_counts.survey_id);
