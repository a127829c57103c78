DROP TABLE survey_tallies;
DROP TABLE survey_unit_counts;
DROP TABLE survey_respondents;
DROP TABLE survey_statements;
DROP TABLE surveys;
