//! `bootstrap`: the bucket and the framework's three tables, created if missing, for a greenfield
//! account or a local emulator. Keys exactly as the framework's CDK stack defines them
//! (reference `framework.md` §1.3): all String, provisioned 5/5, no indexes.

use anyhow::{Result, anyhow, bail};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, KeySchemaElement, KeyType, ProvisionedThroughput, ScalarAttributeType,
    TableStatus,
};
use serde::Serialize;

use crate::aws::{Clients, describe};

/// A table and its key: partition key, optional sort key.
pub struct TableSpec {
    pub name: String,
    pub partition_key: &'static str,
    pub sort_key: Option<&'static str>,
}

/// The framework's tables under the names the catalog gives them.
pub fn framework_tables(config: &str, workflow_audit: &str, job_audit: &str) -> [TableSpec; 3] {
    [
        TableSpec {
            name: config.to_string(),
            partition_key: "workflow_id",
            sort_key: None,
        },
        TableSpec {
            name: workflow_audit.to_string(),
            partition_key: "workflow_execution_id",
            sort_key: Some("workflow_id"),
        },
        TableSpec {
            name: job_audit.to_string(),
            partition_key: "job_name",
            sort_key: Some("workflow_execution_id"),
        },
    ]
}

#[derive(Debug, Default, Serialize)]
pub struct BootstrapReport {
    pub created: Vec<String>,
    pub found: Vec<String>,
}

/// Creates what is missing; checks that what exists has the expected keys.
pub async fn bootstrap(
    clients: &Clients,
    bucket: &str,
    tables: &[TableSpec],
) -> Result<BootstrapReport> {
    let mut report = BootstrapReport::default();
    let bucket_label = format!("bucket {bucket}");
    match clients.s3.head_bucket().bucket(bucket).send().await {
        Ok(_) => report.found.push(bucket_label),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => {
            let mut create = clients.s3.create_bucket().bucket(bucket);
            // us-east-1 is the one region that takes no location constraint.
            if let Some(region) = clients.region.as_deref().filter(|r| *r != "us-east-1") {
                create = create.create_bucket_configuration(
                    aws_sdk_s3::types::CreateBucketConfiguration::builder()
                        .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(
                            region,
                        ))
                        .build(),
                );
            }
            create
                .send()
                .await
                .map_err(|e| anyhow!("creating bucket {bucket}: {}", describe(&e)))?;
            report.created.push(bucket_label);
        }
        Err(e) => bail!("bucket {bucket}: {}", describe(&e)),
    }
    for table in tables {
        let label = format!("table {}", table.name);
        match clients
            .dynamodb
            .describe_table()
            .table_name(&table.name)
            .send()
            .await
        {
            Ok(out) => {
                let keys: Vec<(String, KeyType)> = out
                    .table()
                    .map(|t| {
                        t.key_schema()
                            .iter()
                            .map(|k| (k.attribute_name().to_string(), k.key_type().clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                let mut expected = vec![(table.partition_key.to_string(), KeyType::Hash)];
                if let Some(sort) = table.sort_key {
                    expected.push((sort.to_string(), KeyType::Range));
                }
                if keys != expected {
                    bail!(
                        "table {} exists with keys {keys:?}; the framework needs {expected:?}",
                        table.name
                    );
                }
                report.found.push(label);
            }
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
            {
                create_table(clients, table).await?;
                report.created.push(label);
            }
            Err(e) => bail!("table {}: {}", table.name, describe(&e)),
        }
    }
    Ok(report)
}

async fn create_table(clients: &Clients, table: &TableSpec) -> Result<()> {
    let mut create = clients
        .dynamodb
        .create_table()
        .table_name(&table.name)
        .attribute_definitions(attribute(table.partition_key)?)
        .key_schema(key(table.partition_key, KeyType::Hash)?)
        .provisioned_throughput(
            ProvisionedThroughput::builder()
                .read_capacity_units(5)
                .write_capacity_units(5)
                .build()?,
        );
    if let Some(sort) = table.sort_key {
        create = create
            .attribute_definitions(attribute(sort)?)
            .key_schema(key(sort, KeyType::Range)?);
    }
    create
        .send()
        .await
        .map_err(|e| anyhow!("creating table {}: {}", table.name, describe(&e)))?;
    for attempt in 0..60u32 {
        let status = clients
            .dynamodb
            .describe_table()
            .table_name(&table.name)
            .send()
            .await
            .map_err(|e| anyhow!("table {}: {}", table.name, describe(&e)))?
            .table()
            .and_then(|t| t.table_status().cloned());
        if status == Some(TableStatus::Active) {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(
            200 + 100 * u64::from(attempt.min(20)),
        ))
        .await;
    }
    bail!("table {} did not become ACTIVE", table.name)
}

fn attribute(name: &str) -> Result<AttributeDefinition> {
    Ok(AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()?)
}

fn key(name: &str, kind: KeyType) -> Result<KeySchemaElement> {
    Ok(KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()?)
}
