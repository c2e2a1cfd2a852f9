provider "google" {
  project = local.names.project
  region  = local.names.region

  default_labels = {
    project     = local.project
    service     = local.service
    environment = var.environment
    managed-by  = "terraform"
  }
}
