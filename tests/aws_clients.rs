//! The AWS client set-up against a real local AWS API (moto): the standard chain's environment
//! variables and the --endpoint-url flag both reach it, and S3 works with path-style addressing.

mod support;

use rsqlmig::aws::{AwsArgs, Clients};
use support::moto::Moto;

#[test]
fn clients_reach_the_endpoint_given_by_flag() {
    let moto = Moto::start();
    // No AWS_ENDPOINT_URL in the environment: the flag alone must route the calls.
    moto.use_offline_credentials();
    unsafe {
        std::env::remove_var("AWS_ENDPOINT_URL");
        std::env::remove_var("AWS_REGION");
    }
    let args = AwsArgs {
        profile: None,
        region: None,
        endpoint_url: Some(moto.endpoint()),
    };
    let names = rsqlmig::aws::block_on(async {
        let clients = Clients::new(&args, Some("eu-west-1")).await.unwrap();
        assert_eq!(
            clients.region.as_deref(),
            Some("eu-west-1"),
            "the catalog region is the fallback"
        );
        clients
            .s3
            .create_bucket()
            .bucket("rsqlmig-smoke")
            .create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        clients
            .s3
            .put_object()
            .bucket("rsqlmig-smoke")
            .key("a/b.sh")
            .body(b"echo".to_vec().into())
            .send()
            .await
            .unwrap();
        let listed = clients
            .s3
            .list_objects_v2()
            .bucket("rsqlmig-smoke")
            .send()
            .await
            .unwrap();
        let tables = clients.dynamodb.list_tables().send().await.unwrap();
        assert!(tables.table_names().is_empty());
        listed
            .contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_string))
            .collect::<Vec<_>>()
    })
    .unwrap();
    assert_eq!(names, vec!["a/b.sh".to_string()]);
}
