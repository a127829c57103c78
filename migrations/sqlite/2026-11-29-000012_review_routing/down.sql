DROP TABLE experiment_reviewers;
