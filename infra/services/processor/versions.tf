terraform {
  required_version = ">= 1.5.0, < 2.0.0"

  # Remote state of the processor alone (S3 + DynamoDB lock table): terraform init -backend-config=backend.hcl
  backend "s3" {}

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Pinned to the version in the provider mirror; .terraform.lock.hcl pins its checksums.
      version = "5.100.0"
    }
  }
}
