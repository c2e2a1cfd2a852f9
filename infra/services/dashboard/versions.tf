terraform {
  required_version = ">= 1.5.0, < 2.0.0"

  # Remote state of the dashboard alone (GCS; locking is built in): terraform init -backend-config=backend.hcl
  backend "gcs" {}

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }
}
