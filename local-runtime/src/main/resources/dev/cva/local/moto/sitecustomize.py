# Loaded by the Python that runs moto's server for cva (PYTHONPATH points here; see dev.cva.local.Moto).
#
# moto checks IAM policies once enforcement is on (POST /moto-api/reset-auth), but for DynamoDB and DynamoDB Streams
# it authorizes every call against the resource "*", so a policy scoped to a table ARN (as AWS wants and as
# infra/policies writes them) would deny everything. This gives those two APIs the resource ARNs AWS authorizes
# against: the table, the index for Query/Scan with IndexName, each table of a batch or transaction, the stream; and
# for Secrets Manager, the secret. Nothing else of moto changes.
import json

_ACCOUNT_KEYS = ("TableName",)


def _patch():
    from moto.dynamodb.responses import DynamoHandler
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

    base = DynamoHandler._authenticate_and_authorize_normal_action

    def _body(self):
        try:
            raw = self.raw_body if isinstance(self.raw_body, (bytes, str)) else b""
            return json.loads(raw or "{}")
        except ValueError:
            return {}

    def _table_arn(self, name):
        return f"arn:aws:dynamodb:{self.region}:{self.current_account}:table/{name}"

    def _dynamodb_resources(self):
        body = _body(self)
        action = self._get_action()
        if "TableName" in body:
            arn = _table_arn(self, body["TableName"])
            if action in ("Query", "Scan") and body.get("IndexName"):
                arn += "/index/" + body["IndexName"]
            if action == "ListStreams":
                arn += "/stream/*"
            return [arn]
        if "RequestItems" in body:  # BatchGetItem, BatchWriteItem
            return [_table_arn(self, n) for n in body["RequestItems"]]
        if "TransactItems" in body:  # TransactWriteItems, TransactGetItems
            names = []
            for item in body["TransactItems"]:
                for op in item.values():
                    if isinstance(op, dict) and "TableName" in op and op["TableName"] not in names:
                        names.append(op["TableName"])
            return [_table_arn(self, n) for n in names]
        if "ResourceArn" in body:
            return [body["ResourceArn"]]
        if action == "ListStreams":
            return [f"arn:aws:dynamodb:{self.region}:{self.current_account}:table/*/stream/*"]
        return ["*"]

    def _streams_resources(self):
        body = _body(self)
        if "StreamArn" in body:
            return [body["StreamArn"]]
        if "ShardIterator" in body:  # moto's iterators start with the stream's ARN
            return [body["ShardIterator"].split("|", 1)[0]]
        return _dynamodb_resources(self)

    from moto.core.exceptions import JsonRESTError

    # DynamoDB and Secrets Manager speak JSON: refusals come back as their own error types (HTTP 400), not moto's XML.
    json_errors = {"AccessDenied": "AccessDeniedException", "InvalidClientTokenId": "UnrecognizedClientException",
                   "SignatureDoesNotMatch": "InvalidSignatureException"}

    def _authorize(resources, check=base):
        def authorize(self, resource="*"):
            for arn in resources(self):
                try:
                    check(self, arn)
                except Exception as e:
                    kind = json_errors.get(getattr(e, "error_type", None))
                    if kind is None:
                        raise
                    message = getattr(e, "message", str(e))
                    if kind == "AccessDeniedException" and arn != "*":
                        message = f"{message} on resource: {arn}"
                    raise JsonRESTError(kind, message) from e
        return authorize

    DynamoHandler._authenticate_and_authorize_normal_action = _authorize(_dynamodb_resources)
    DynamoDBStreamsHandler._authenticate_and_authorize_normal_action = _authorize(_streams_resources)

    # Secrets Manager likewise: a call on a secret is authorized against the secret's ARN (SecretId may be its name).
    from moto.secretsmanager.responses import SecretsManagerResponse

    secrets_base = SecretsManagerResponse._authenticate_and_authorize_normal_action

    def _secret_resources(self):
        secret_id = _body(self).get("SecretId")
        if not secret_id:
            return ["*"]
        secret = self.backend.secrets.get(secret_id)
        return [secret.arn if secret is not None else secret_id]

    SecretsManagerResponse._authenticate_and_authorize_normal_action = _authorize(_secret_resources, secrets_base)


try:
    _patch()
except Exception as e:  # an older or newer moto without these classes: say so, run as it is
    import sys

    print(f"cva: moto's DynamoDB authorization is not resource-aware here: {e!r}", file=sys.stderr)
