-- Every status, kind and role column takes only the words its Rust enum knows (stored_as_text!);
-- tests/app/migrations.rs checks that these lists and the enums agree.
ALTER TABLE people ADD CONSTRAINT people_kind_allowed CHECK (kind IN ('employee', 'customer', 'trustee'));
ALTER TABLE people ADD CONSTRAINT people_locale_allowed CHECK (locale IN ('fi', 'sv', 'en'));
ALTER TABLE role_assignments ADD CONSTRAINT role_assignments_role_allowed CHECK (role IN ('key_expert', 'manager', 'admin'));
ALTER TABLE units ADD CONSTRAINT units_kind_allowed CHECK (kind IN ('sector', 'unit', 'team'));
ALTER TABLE campaigns ADD CONSTRAINT campaigns_audience_allowed CHECK (audience IN ('staff', 'customers', 'everyone'));
ALTER TABLE ideas ADD CONSTRAINT ideas_status_allowed CHECK (status IN ('new', 'in_discussion', 'selected_for_experiment', 'in_experiment', 'implemented', 'not_pursued', 'merged'));
ALTER TABLE ideas ADD CONSTRAINT ideas_author_kind_allowed CHECK (author_kind IN ('employee', 'customer', 'trustee'));
ALTER TABLE reports ADD CONSTRAINT reports_object_type_allowed CHECK (object_type IN ('idea', 'comment'));
ALTER TABLE reports ADD CONSTRAINT reports_resolution_allowed CHECK (resolution IN ('hidden', 'kept'));
ALTER TABLE experiments ADD CONSTRAINT experiments_status_allowed CHECK (status IN ('draft', 'submitted', 'changes_requested', 'approved', 'rejected', 'running', 'completed', 'adopted', 'not_adopted', 'withdrawn'));
ALTER TABLE experiment_versions ADD CONSTRAINT experiment_versions_state_allowed CHECK (state IN ('proposed', 'accepted', 'declined'));
ALTER TABLE reviews ADD CONSTRAINT reviews_decision_allowed CHECK (decision IN ('approve', 'request_changes', 'reject'));
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_allowed CHECK (kind IN ('review_waiting', 'decided', 'version_waiting', 'version_decided', 'report_overdue', 'panel_shared', 'round_opened', 'round_closed'));
ALTER TABLE panel_members ADD CONSTRAINT panel_members_role_allowed CHECK (role IN ('coordinator', 'member'));
ALTER TABLE panel_shares ADD CONSTRAINT panel_shares_object_type_allowed CHECK (object_type IN ('idea', 'experiment'));
ALTER TABLE round_marks ADD CONSTRAINT round_marks_mark_allowed CHECK (mark IN ('best', 'worst'));
