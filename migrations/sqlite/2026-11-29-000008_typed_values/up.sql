-- SQLite cannot add a CHECK constraint to an existing table, so triggers refuse other words.
-- Every status, kind and role column takes only the words its Rust enum knows (stored_as_text!);
-- tests/app/migrations.rs checks that these lists and the enums agree.
CREATE TRIGGER people_kind_allowed_insert BEFORE INSERT ON people WHEN NEW.kind NOT IN ('employee', 'customer', 'trustee')
BEGIN SELECT RAISE(ABORT, 'people.kind: unknown value'); END;
CREATE TRIGGER people_kind_allowed_update BEFORE UPDATE OF kind ON people WHEN NEW.kind NOT IN ('employee', 'customer', 'trustee')
BEGIN SELECT RAISE(ABORT, 'people.kind: unknown value'); END;
CREATE TRIGGER people_locale_allowed_insert BEFORE INSERT ON people WHEN NEW.locale NOT IN ('fi', 'sv', 'en')
BEGIN SELECT RAISE(ABORT, 'people.locale: unknown value'); END;
CREATE TRIGGER people_locale_allowed_update BEFORE UPDATE OF locale ON people WHEN NEW.locale NOT IN ('fi', 'sv', 'en')
BEGIN SELECT RAISE(ABORT, 'people.locale: unknown value'); END;
CREATE TRIGGER role_assignments_role_allowed_insert BEFORE INSERT ON role_assignments WHEN NEW.role NOT IN ('key_expert', 'manager', 'admin')
BEGIN SELECT RAISE(ABORT, 'role_assignments.role: unknown value'); END;
CREATE TRIGGER role_assignments_role_allowed_update BEFORE UPDATE OF role ON role_assignments WHEN NEW.role NOT IN ('key_expert', 'manager', 'admin')
BEGIN SELECT RAISE(ABORT, 'role_assignments.role: unknown value'); END;
CREATE TRIGGER units_kind_allowed_insert BEFORE INSERT ON units WHEN NEW.kind NOT IN ('sector', 'unit', 'team')
BEGIN SELECT RAISE(ABORT, 'units.kind: unknown value'); END;
CREATE TRIGGER units_kind_allowed_update BEFORE UPDATE OF kind ON units WHEN NEW.kind NOT IN ('sector', 'unit', 'team')
BEGIN SELECT RAISE(ABORT, 'units.kind: unknown value'); END;
CREATE TRIGGER campaigns_audience_allowed_insert BEFORE INSERT ON campaigns WHEN NEW.audience NOT IN ('staff', 'customers', 'everyone')
BEGIN SELECT RAISE(ABORT, 'campaigns.audience: unknown value'); END;
CREATE TRIGGER campaigns_audience_allowed_update BEFORE UPDATE OF audience ON campaigns WHEN NEW.audience NOT IN ('staff', 'customers', 'everyone')
BEGIN SELECT RAISE(ABORT, 'campaigns.audience: unknown value'); END;
CREATE TRIGGER ideas_status_allowed_insert BEFORE INSERT ON ideas WHEN NEW.status NOT IN ('new', 'in_discussion', 'selected_for_experiment', 'in_experiment', 'implemented', 'not_pursued', 'merged')
BEGIN SELECT RAISE(ABORT, 'ideas.status: unknown value'); END;
CREATE TRIGGER ideas_status_allowed_update BEFORE UPDATE OF status ON ideas WHEN NEW.status NOT IN ('new', 'in_discussion', 'selected_for_experiment', 'in_experiment', 'implemented', 'not_pursued', 'merged')
BEGIN SELECT RAISE(ABORT, 'ideas.status: unknown value'); END;
CREATE TRIGGER ideas_author_kind_allowed_insert BEFORE INSERT ON ideas WHEN NEW.author_kind NOT IN ('employee', 'customer', 'trustee')
BEGIN SELECT RAISE(ABORT, 'ideas.author_kind: unknown value'); END;
CREATE TRIGGER ideas_author_kind_allowed_update BEFORE UPDATE OF author_kind ON ideas WHEN NEW.author_kind NOT IN ('employee', 'customer', 'trustee')
BEGIN SELECT RAISE(ABORT, 'ideas.author_kind: unknown value'); END;
CREATE TRIGGER reports_object_type_allowed_insert BEFORE INSERT ON reports WHEN NEW.object_type NOT IN ('idea', 'comment')
BEGIN SELECT RAISE(ABORT, 'reports.object_type: unknown value'); END;
CREATE TRIGGER reports_object_type_allowed_update BEFORE UPDATE OF object_type ON reports WHEN NEW.object_type NOT IN ('idea', 'comment')
BEGIN SELECT RAISE(ABORT, 'reports.object_type: unknown value'); END;
CREATE TRIGGER reports_resolution_allowed_insert BEFORE INSERT ON reports WHEN NEW.resolution IS NOT NULL AND NEW.resolution NOT IN ('hidden', 'kept')
BEGIN SELECT RAISE(ABORT, 'reports.resolution: unknown value'); END;
CREATE TRIGGER reports_resolution_allowed_update BEFORE UPDATE OF resolution ON reports WHEN NEW.resolution IS NOT NULL AND NEW.resolution NOT IN ('hidden', 'kept')
BEGIN SELECT RAISE(ABORT, 'reports.resolution: unknown value'); END;
CREATE TRIGGER experiments_status_allowed_insert BEFORE INSERT ON experiments WHEN NEW.status NOT IN ('draft', 'submitted', 'changes_requested', 'approved', 'rejected', 'running', 'completed', 'adopted', 'not_adopted', 'withdrawn')
BEGIN SELECT RAISE(ABORT, 'experiments.status: unknown value'); END;
CREATE TRIGGER experiments_status_allowed_update BEFORE UPDATE OF status ON experiments WHEN NEW.status NOT IN ('draft', 'submitted', 'changes_requested', 'approved', 'rejected', 'running', 'completed', 'adopted', 'not_adopted', 'withdrawn')
BEGIN SELECT RAISE(ABORT, 'experiments.status: unknown value'); END;
CREATE TRIGGER experiment_versions_state_allowed_insert BEFORE INSERT ON experiment_versions WHEN NEW.state NOT IN ('proposed', 'accepted', 'declined')
BEGIN SELECT RAISE(ABORT, 'experiment_versions.state: unknown value'); END;
CREATE TRIGGER experiment_versions_state_allowed_update BEFORE UPDATE OF state ON experiment_versions WHEN NEW.state NOT IN ('proposed', 'accepted', 'declined')
BEGIN SELECT RAISE(ABORT, 'experiment_versions.state: unknown value'); END;
CREATE TRIGGER reviews_decision_allowed_insert BEFORE INSERT ON reviews WHEN NEW.decision NOT IN ('approve', 'request_changes', 'reject')
BEGIN SELECT RAISE(ABORT, 'reviews.decision: unknown value'); END;
CREATE TRIGGER reviews_decision_allowed_update BEFORE UPDATE OF decision ON reviews WHEN NEW.decision NOT IN ('approve', 'request_changes', 'reject')
BEGIN SELECT RAISE(ABORT, 'reviews.decision: unknown value'); END;
CREATE TRIGGER notifications_kind_allowed_insert BEFORE INSERT ON notifications WHEN NEW.kind NOT IN ('review_waiting', 'decided', 'version_waiting', 'version_decided', 'report_overdue', 'panel_shared', 'round_opened', 'round_closed')
BEGIN SELECT RAISE(ABORT, 'notifications.kind: unknown value'); END;
CREATE TRIGGER notifications_kind_allowed_update BEFORE UPDATE OF kind ON notifications WHEN NEW.kind NOT IN ('review_waiting', 'decided', 'version_waiting', 'version_decided', 'report_overdue', 'panel_shared', 'round_opened', 'round_closed')
BEGIN SELECT RAISE(ABORT, 'notifications.kind: unknown value'); END;
CREATE TRIGGER panel_members_role_allowed_insert BEFORE INSERT ON panel_members WHEN NEW.role NOT IN ('coordinator', 'member')
BEGIN SELECT RAISE(ABORT, 'panel_members.role: unknown value'); END;
CREATE TRIGGER panel_members_role_allowed_update BEFORE UPDATE OF role ON panel_members WHEN NEW.role NOT IN ('coordinator', 'member')
BEGIN SELECT RAISE(ABORT, 'panel_members.role: unknown value'); END;
CREATE TRIGGER panel_shares_object_type_allowed_insert BEFORE INSERT ON panel_shares WHEN NEW.object_type NOT IN ('idea', 'experiment')
BEGIN SELECT RAISE(ABORT, 'panel_shares.object_type: unknown value'); END;
CREATE TRIGGER panel_shares_object_type_allowed_update BEFORE UPDATE OF object_type ON panel_shares WHEN NEW.object_type NOT IN ('idea', 'experiment')
BEGIN SELECT RAISE(ABORT, 'panel_shares.object_type: unknown value'); END;
CREATE TRIGGER round_marks_mark_allowed_insert BEFORE INSERT ON round_marks WHEN NEW.mark NOT IN ('best', 'worst')
BEGIN SELECT RAISE(ABORT, 'round_marks.mark: unknown value'); END;
CREATE TRIGGER round_marks_mark_allowed_update BEFORE UPDATE OF mark ON round_marks WHEN NEW.mark NOT IN ('best', 'worst')
BEGIN SELECT RAISE(ABORT, 'round_marks.mark: unknown value'); END;
