# A public HTTP Cloud Function (gen2) with its own service account, its source bucket and secret bindings.
# Public on purpose for webhooks: every request must carry a valid signature (design notes section 3).

# --- Source: the folder (the uber jar alone), zipped and uploaded under its content hash ---

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

# --- Identity: the function's own service account, with only the roles given ---

resource "google_service_account" "this" {
  account_id   = var.function_name
  display_name = var.function_name
  description  = "Runs the ${var.function_name} Cloud Function."
}

resource "google_project_iam_member" "roles" {
  for_each = toset(var.project_roles)

  project = var.project_id
  role    = each.value
  member  = google_service_account.this.member
}

# Firestore has no database-level IAM binding: the project role is granted with an IAM condition on the database's
# resource name, so the function can use this database and no other in the project.
resource "google_project_iam_member" "firestore" {
  count = var.firestore_database == null ? 0 : 1

  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.this.member

  condition {
    title       = "only-${replace(var.firestore_database, "/[^a-z0-9-]/", "")}-database"
    description = "Firestore database ${var.firestore_database} only."
    expression  = "resource.name == \"projects/${var.project_id}/databases/${var.firestore_database}\""
  }
}

resource "google_secret_manager_secret_iam_member" "secrets" {
  for_each = var.secret_env

  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.this.member
}

# --- The function ---

resource "google_cloudfunctions2_function" "this" {
  name        = var.function_name
  location    = var.region
  description = var.description

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
    min_instance_count             = var.min_instances
    max_instance_count             = var.max_instances
    ingress_settings               = "ALLOW_ALL"
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.this.email
    environment_variables          = var.environment

    dynamic "secret_environment_variables" {
      for_each = var.secret_env

      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = secret_environment_variables.value
        version    = "latest"
      }
    }
  }

  lifecycle {
    # `cva deploy receiver` deploys new revisions and splits their traffic.
    ignore_changes = [build_config[0].source, service_config[0].all_traffic_on_latest_revision]
  }

  depends_on = [
    google_project_iam_member.roles,
    google_secret_manager_secret_iam_member.secrets,
  ]
}

# Startup CPU boost (cva.yaml services.<name>.cpuBoost): neither the Cloud Functions v2 API nor this resource has the
# setting; it belongs to the function's Cloud Run service (template.containers[0].resources.startup_cpu_boost), so it
# is set there with gcloud after each change of the function (an update of the function rolls out a revision from the
# function's own configuration). `cva deploy` sets it on every revision it rolls out, through the Cloud Run Admin
# API. A revision made here takes traffic when the service's traffic follows the latest revision (as after the first
# apply); when cva pinned the traffic, the next `cva deploy` carries the setting.
resource "terraform_data" "cpu_boost" {
  count = var.cpu_boost == null ? 0 : 1

  triggers_replace = [var.cpu_boost, google_cloudfunctions2_function.this.update_time]

  provisioner "local-exec" {
    command = join(" ", [
      "gcloud run services update", google_cloudfunctions2_function.this.name,
      "--project", var.project_id, "--region", var.region, "--quiet",
      var.cpu_boost ? "--cpu-boost" : "--no-cpu-boost",
    ])
  }
}

# Anyone may call the function; the signature check is the authentication.
resource "google_cloud_run_v2_service_iam_member" "public" {
  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.this.name # gen2: the Cloud Run service has the function's name
  role     = "roles/run.invoker"
  member   = "allUsers"
}
