DROP INDEX adoptions_adopted_idx;
DROP INDEX experiments_completed_idx;
DROP INDEX experiments_decided_idx;
DROP INDEX experiments_submitted_idx;
DROP INDEX observations_created_idx;
DROP INDEX idea_supports_created_idx;
DROP INDEX comments_created_idx;
DROP INDEX ideas_created_idx;
