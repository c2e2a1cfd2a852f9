# The receiver: a public HTTP Cloud Function (gen2) that verifies webhook signatures and writes Firestore.
# Public on purpose: every request must carry a valid HMAC signature (design notes section 3).

# --- Source: the uber jar alone in target/deploy, zipped and uploaded under its content hash ---

data "archive_file" "source" {
  type        = "zip"
  source_dir  = var.source_dir
  output_path = "${var.build_dir}/${var.function_name}.zip"
}

resource "google_storage_bucket" "sources" {
  name                        = "${var.project_id}-${var.function_name}-sources"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false
}

resource "google_storage_bucket_object" "source" {
  name   = "${var.function_name}-${data.archive_file.source.output_sha256}.zip"
  bucket = google_storage_bucket.sources.name
  source = data.archive_file.source.output_path
}

# --- Firestore (native mode) ---

resource "google_firestore_database" "default" {
  project                 = var.project_id
  name                    = "(default)"
  location_id             = var.region
  type                    = "FIRESTORE_NATIVE"
  delete_protection_state = "DELETE_PROTECTION_ENABLED"
  deletion_policy         = "ABANDON"
}

# --- Secrets: Terraform manages the secrets and who reads them, never their values ---

resource "google_secret_manager_secret" "webhook" {
  for_each = local.secret_ids

  secret_id = each.value

  replication {
    auto {}
  }
}

locals {
  secret_ids = {
    current  = var.webhook_secret_id
    previous = "${var.webhook_secret_id}-previous"
  }
}

# --- Identity: the function's own service account, with only what it uses ---

resource "google_service_account" "receiver" {
  account_id   = var.function_name
  display_name = "CV Analytics receiver"
  description  = "Runs the ${var.function_name} Cloud Function: writes Firestore, reads the webhook secrets."
}

resource "google_project_iam_member" "firestore" {
  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.receiver.member
}

resource "google_project_iam_member" "logs" {
  project = var.project_id
  role    = "roles/logging.logWriter"
  member  = google_service_account.receiver.member
}

resource "google_secret_manager_secret_iam_member" "receiver" {
  for_each = google_secret_manager_secret.webhook

  secret_id = each.value.id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.receiver.member
}

# --- The function ---

resource "google_cloudfunctions2_function" "receiver" {
  name        = var.function_name
  location    = var.region
  description = "CV Analytics webhook receiver: verifies signatures, stores analytics records in Firestore."

  build_config {
    runtime     = var.runtime
    entry_point = var.entry_point

    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  service_config {
    available_memory               = "${var.memory_mb}M"
    timeout_seconds                = var.timeout
    min_instance_count             = 0
    max_instance_count             = var.max_instances
    ingress_settings               = "ALLOW_ALL"
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.receiver.email

    environment_variables = {
      FIRESTORE_PROJECT     = var.project_id
      WEBHOOK_ACCEPT_LEGACY = tostring(var.webhook_accept_legacy)
    }

    secret_environment_variables {
      key        = "WEBHOOK_SECRET"
      project_id = var.project_id
      secret     = google_secret_manager_secret.webhook["current"].secret_id
      version    = "latest"
    }

    dynamic "secret_environment_variables" {
      for_each = var.bind_previous_secret ? [google_secret_manager_secret.webhook["previous"].secret_id] : []

      content {
        key        = "WEBHOOK_SECRET_PREVIOUS"
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }
  }

  depends_on = [
    google_firestore_database.default,
    google_project_iam_member.firestore,
    google_project_iam_member.logs,
    google_secret_manager_secret_iam_member.receiver,
  ]
}

# Anyone may call the function; the signature check is the authentication.
resource "google_cloud_run_v2_service_iam_member" "public" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.receiver.name # gen2: the Cloud Run service has the function's name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
