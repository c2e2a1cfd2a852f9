terraform {
  required_version = ">= 1.5.0, < 2.0.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # Pinned to the version in the provider mirror; .terraform.lock.hcl pins its checksums.
      version = "5.100.0"
    }
  }
}
