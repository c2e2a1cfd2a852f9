variable "project_id" {
  description = "GCP project ID."
  type        = string
}

variable "region" {
  description = "Region of the function and its source bucket."
  type        = string
}

variable "function_name" {
  description = "Name of the Cloud Function (also its service account ID)."
  type        = string
}

variable "description" {
  description = "Description of the function."
  type        = string
  default     = ""
}

variable "entry_point" {
  description = "Fully qualified class of the function (cva.yaml services.<name>.entryPoint)."
  type        = string
}

variable "runtime" {
  description = "Cloud Functions runtime (cva.yaml services.<name>.runtime)."
  type        = string
  default     = "java25"
}

variable "memory_mb" {
  description = "Memory in MB (cva.yaml services.<name>.memoryMb)."
  type        = number
}

variable "timeout" {
  description = "Request timeout in seconds (cva.yaml services.<name>.timeoutSeconds)."
  type        = number
}

variable "max_instances" {
  description = "Upper bound on instances."
  type        = number
  default     = 10
}

variable "min_instances" {
  description = "Instances kept warm, billed while idle (cva.yaml services.<name>.minInstances, default 0: scale to zero)."
  type        = number
  default     = 0
}

variable "cpu_boost" {
  description = "Startup CPU boost of the function's Cloud Run service (cva.yaml services.<name>.cpuBoost); null leaves it as it is. Set with gcloud (the Terraform runner needs it, authenticated)."
  type        = bool
  default     = null
}

variable "source_dir" {
  description = "Folder zipped as the function's first source (later revisions come from cva deploy)."
  type        = string
}

variable "build_dir" {
  description = "Folder where the source zip is written before upload."
  type        = string
}

variable "environment" {
  description = "Plain environment variables (never secret values)."
  type        = map(string)
  default     = {}
}

variable "secret_env" {
  description = "Environment variable -> Secret Manager secret ID bound at version latest; the account may read those secrets only."
  type        = map(string)
  default     = {}
}

variable "project_roles" {
  description = "Project roles of the function's service account (keep to what it uses)."
  type        = list(string)
  default     = []
}

variable "firestore_database" {
  description = "The one Firestore database the function reads and writes (roles/datastore.user on it only); null for none."
  type        = string
  default     = null
}
