//! AWS clients configured the way the SDK's standard chain does it (profiles, `AWS_REGION`,
//! `AWS_ENDPOINT_URL` and its per-service variants), plus `--profile/--region/--endpoint-url`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use aws_config::{BehaviorVersion, Region};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// The AWS flags every command that talks to AWS takes.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct AwsArgs {
    /// Named profile from the shared AWS config files.
    #[arg(long, global = true)]
    pub profile: Option<String>,
    /// Region (default: the SDK's chain, then the catalog's `aws.region`).
    #[arg(long, global = true)]
    pub region: Option<String>,
    /// Send every AWS call to this endpoint (a local emulator, a VPC endpoint).
    #[arg(long, global = true)]
    pub endpoint_url: Option<String>,
}

/// The service clients rsqlmig uses.
#[derive(Clone, Debug)]
pub struct Clients {
    pub s3: aws_sdk_s3::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub sfn: aws_sdk_sfn::Client,
    pub region: Option<String>,
    /// Every request the three clients send, by operation.
    pub api_calls: ApiCalls,
}

/// AWS requests sent, by `Service.Operation` (`S3.PutObject`, `DynamoDB.TransactWriteItems`):
/// counted by an SDK interceptor on each client as a request goes on the wire, so a retried
/// call counts once per attempt, like AWS bills it. Clones share the counts.
#[derive(Clone, Debug, Default)]
pub struct ApiCalls(Arc<Mutex<BTreeMap<String, usize>>>);

impl ApiCalls {
    /// The counts so far.
    pub fn snapshot(&self) -> BTreeMap<String, usize> {
        self.counts().clone()
    }

    /// The calls made since `before` (an earlier [`ApiCalls::snapshot`]).
    pub fn since(&self, before: &BTreeMap<String, usize>) -> BTreeMap<String, usize> {
        self.counts()
            .iter()
            .filter_map(|(op, n)| {
                let n = n - before.get(op).copied().unwrap_or(0);
                (n > 0).then(|| (op.clone(), n))
            })
            .collect()
    }

    fn counts(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, usize>> {
        // A panic elsewhere while counting leaves the map consistent: keep counting.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The interceptor behind [`ApiCalls`]: reads the operation the SDK stores in the config bag.
#[derive(Debug)]
struct CountCalls(ApiCalls);

impl Intercept for CountCalls {
    fn name(&self) -> &'static str {
        "rsqlmig::aws::CountCalls"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let op = cfg.load::<Metadata>().map_or_else(
            || "unknown".to_string(),
            |m| format!("{}.{}", m.service(), m.name()),
        );
        *self.0.counts().entry(op).or_default() += 1;
        Ok(())
    }
}

/// Environment variables that move the S3 endpoint away from AWS's virtual-hosted names.
const S3_ENDPOINT_VARS: [&str; 2] = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"];

impl Clients {
    /// Builds the clients. `fallback_region` (the catalog's) is used only when neither the flag
    /// nor the SDK's chain gives a region.
    pub async fn new(args: &AwsArgs, fallback_region: Option<&str>) -> Result<Clients> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(profile) = &args.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = &args.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(url) = &args.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let mut config = loader.load().await;
        if config.region().is_none()
            && let Some(region) = fallback_region
        {
            config = config
                .into_builder()
                .region(Region::new(region.to_string()))
                .build();
        }
        let region = config.region().map(|r| r.to_string());
        let overridden = args.endpoint_url.is_some()
            || S3_ENDPOINT_VARS
                .iter()
                .any(|v| std::env::var_os(v).is_some());
        let api_calls = ApiCalls::default();
        // A custom endpoint (a local emulator) has no `bucket.host` DNS names.
        let s3_config = aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(overridden)
            .interceptor(CountCalls(api_calls.clone()))
            .build();
        let dynamodb_config = aws_sdk_dynamodb::config::Builder::from(&config)
            .interceptor(CountCalls(api_calls.clone()))
            .build();
        let sfn_config = aws_sdk_sfn::config::Builder::from(&config)
            .interceptor(CountCalls(api_calls.clone()))
            .build();
        Ok(Clients {
            s3: aws_sdk_s3::Client::from_conf(s3_config),
            dynamodb: aws_sdk_dynamodb::Client::from_conf(dynamodb_config),
            sfn: aws_sdk_sfn::Client::from_conf(sfn_config),
            region,
            api_calls,
        })
    }
}

/// Runs an async command body on a runtime built for it.
pub fn block_on<F: std::future::Future>(future: F) -> Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    Ok(runtime.block_on(future))
}

/// An AWS error as one line: the service's code and message when there is one.
pub fn describe<E, R>(err: &aws_sdk_s3::error::SdkError<E, R>) -> String
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    use aws_sdk_s3::error::SdkError;
    match err {
        SdkError::ServiceError(e) => {
            let meta = e.err();
            match (meta.code(), meta.message()) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code.to_string(),
                _ => e.err().to_string(),
            }
        }
        SdkError::DispatchFailure(e) => format!("cannot reach the endpoint: {e:?}"),
        SdkError::TimeoutError(_) => "the request timed out".to_string(),
        other => format!("{other}"),
    }
}
