# CV Analytics on GCP: the receiver Cloud Function (gen2) with its Firestore database, secrets and service account.
# Names, runtime, memory and timeout come from cva.yaml, so the Terraform and the `cva` tool never disagree.

locals {
  cva      = yamldecode(file("${path.module}/../../cva.yaml"))
  receiver = local.cva.services.receiver
  gcp      = local.cva.environments[var.environment].gcp
  project  = coalesce(var.project_id, local.gcp.project)
  region   = coalesce(var.region, local.gcp.region)

  apis = toset([
    "artifactregistry.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "firestore.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ])
}

resource "google_project_service" "apis" {
  for_each = var.enable_apis ? local.apis : toset([])

  project            = local.project
  service            = each.value
  disable_on_destroy = false
}

module "receiver" {
  source = "./modules/receiver"

  project_id    = local.project
  region        = local.region
  function_name = local.gcp.function
  entry_point   = local.receiver.entryPoint
  runtime       = local.receiver.runtime
  memory_mb     = local.receiver.memoryMb
  timeout       = local.receiver.timeoutSeconds
  max_instances = var.max_instances
  source_dir    = coalesce(var.receiver_source_dir, "${path.module}/../../${local.receiver.module}/target/deploy")
  build_dir     = "${path.module}/.build"

  webhook_secret_id     = try(local.gcp.webhookSecretName, "cv-analytics-webhook-secret")
  webhook_accept_legacy = var.webhook_accept_legacy
  bind_previous_secret  = var.bind_previous_secret

  depends_on = [google_project_service.apis]
}
