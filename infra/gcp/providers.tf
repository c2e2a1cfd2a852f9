provider "google" {
  project = local.project
  region  = local.region

  default_labels = {
    project     = var.project_label
    environment = var.environment
    managed-by  = "terraform"
  }
}
