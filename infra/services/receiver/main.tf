# The receiver owns its function, its Secret Manager secrets, its service account, the Firestore database it
# writes, and that database's security rules and indexes (firestore.rules.tftpl, rendered with the dashboard's
# readers in rules.tf / firestore.indexes.json, Firebase CLI format, shared with the dashboard and the emulator).

locals {
  apis = toset([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "firebaserules.googleapis.com",
    "firestore.googleapis.com",
    "monitoring.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ])

  # firestore.indexes.json: {"indexes": [{"collectionGroup", "queryScope", "fields": [{"fieldPath", "order" | "arrayConfig"}]}]}
  indexes = { for i, index in try(jsondecode(file("${path.module}/firestore.indexes.json")).indexes, []) :
  "${index.collectionGroup}-${i}" => index }
}

resource "google_project_service" "apis" {
  for_each = var.enable_apis ? local.apis : toset([])

  project            = local.names.project
  service            = each.value
  disable_on_destroy = false
}

# --- Firestore (native mode): the receiver's data store ---

resource "google_firestore_database" "default" {
  project                 = local.names.project
  name                    = "(default)"
  location_id             = local.names.region
  type                    = "FIRESTORE_NATIVE"
  delete_protection_state = "DELETE_PROTECTION_ENABLED"
  deletion_policy         = "ABANDON"

  # 1-minute versions of the last 7 days: cva restore --to-time restores from them into a new database
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"

  depends_on = [google_project_service.apis]
}

# Reads for the dashboard's readers only, no client writes (the receiver writes with its service account, which
# rules do not bind).
resource "google_firebaserules_ruleset" "firestore" {
  project = local.names.project

  source {
    files {
      name    = "firestore.rules"
      content = local.firestore_rules
    }
  }

  lifecycle {
    precondition {
      # the same check as cva's (FirestoreRulesTemplate.EMAIL): an address that is not one would not parse, or
      # would end the list literal early
      condition = alltrue([for r in local.dashboard_readers :
      can(regex("^[a-z0-9._%+'-]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?([.][a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", r))])
      error_message = "environments.${var.environment}.dashboard.readers in cva.yaml: each reader must be an e-mail address."
    }
  }

  depends_on = [google_firestore_database.default]
}

resource "google_firebaserules_release" "firestore" {
  # the (default) database's release is "cloud.firestore", another database's "cloud.firestore/<id>"
  project      = local.names.project
  name         = local.firestore_database == "(default)" ? "cloud.firestore" : "cloud.firestore/${local.firestore_database}"
  ruleset_name = "projects/${local.names.project}/rulesets/${google_firebaserules_ruleset.firestore.name}"

  lifecycle {
    replace_triggered_by = [google_firebaserules_ruleset.firestore]
  }
}

# The composite indexes the dashboard's queries need.
resource "google_firestore_index" "dashboard" {
  for_each = local.indexes

  project     = local.names.project
  database    = local.firestore_database
  collection  = each.value.collectionGroup
  query_scope = try(each.value.queryScope, "COLLECTION")

  dynamic "fields" {
    for_each = each.value.fields

    content {
      field_path   = fields.value.fieldPath
      order        = try(fields.value.order, null)
      array_config = try(fields.value.arrayConfig, null)
    }
  }
}

# --- Secrets: Terraform manages the secrets and who reads them, never their values ---

# One secret; `cva secrets rotate webhook` adds a version, and the receiver accepts its newest two enabled versions
# (re-read every secrets.refreshSeconds), so a rotation needs no second secret and no new revision.
resource "google_secret_manager_secret" "webhook" {
  for_each = { current = "" }

  project   = local.names.project
  secret_id = "${local.names.webhookSecretName}${each.value}"

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

# --- The function, with its own service account: user of its Firestore database only, log writer, the webhook secrets ---

module "function" {
  source = "../../modules/gcp-http-function"

  project_id         = local.names.project
  region             = local.names.region
  function_name      = local.names.function
  description        = "CV Analytics webhook receiver: verifies signatures, stores analytics records in Firestore."
  entry_point        = local.spec.entryPoint
  runtime            = local.spec.runtime
  memory_mb          = local.spec.memoryMb
  timeout            = local.spec.timeoutSeconds
  max_instances      = var.max_instances
  min_instances      = try(local.spec.minInstances, 0) # README, "Cold starts": each is billed while idle
  cpu_boost          = try(local.spec.cpuBoost, true)  # gcloud sets it on the function's Cloud Run service
  source_dir         = coalesce(var.receiver_source_dir, "${path.module}/../../../${local.spec.module}/target/deploy")
  build_dir          = "${path.module}/.build"
  project_roles      = ["roles/logging.logWriter"]
  firestore_database = local.firestore_database # roles/datastore.user on this database only

  # The receiver reads its secrets from Secret Manager itself (SecretManagerSecrets), not from variables bound at an
  # instance's start: a rotation's new version reaches every live instance within WEBHOOK_SECRET_REFRESH_SECONDS.
  environment = {
    FIRESTORE_PROJECT              = local.names.project
    FIRESTORE_DATABASE             = local.firestore_database
    WEBHOOK_ACCEPT_LEGACY          = tostring(var.webhook_accept_legacy)
    WEBHOOK_SECRET_RESOURCE        = google_secret_manager_secret.webhook["current"].id
    WEBHOOK_SECRET_REFRESH_SECONDS = tostring(local.secret_refresh_seconds)
  }

  depends_on = [google_firestore_database.default, google_project_service.apis]
}

# What the receiver's own reads need on its one secret: list the versions (viewer) and read them (accessor).
resource "google_secret_manager_secret_iam_member" "receiver_reads_webhook_secret" {
  for_each = toset(["roles/secretmanager.secretAccessor", "roles/secretmanager.viewer"])

  project   = local.names.project
  secret_id = google_secret_manager_secret.webhook["current"].secret_id
  role      = each.value
  member    = "serviceAccount:${module.function.service_account_email}"
}
