#!/bin/bash
# rsql_blog_script_2.sh: create the table the other jobs insert into.
# Part of blog_test_workflow (catalog/workflows/blog_test_workflow.yaml).
# The framework runs it as: sh rsql_blog_script_2.sh <instance_code_dir> <secret_id>
source $1/get_redshift_creds.sh $2
rsql -h $HOST -U $USER -d $DB <<EOF
\echo 'rsql_blog_script_2.sh started at' `date`
SET query_group TO 'rsql_blog_querygroup';
CREATE TABLE IF NOT EXISTS "rsql_blog"."blog_table" (
    s_no                integer      ENCODE az64,
    script_name         varchar(256) ENCODE lzo,
    insertion_timestamp timestamp    ENCODE az64
);
\if :ERROR <> 0
  \echo 'Error Code -'
  \echo :ERRORCODE
  \remark :LAST_ERROR_MESSAGE
  \exit 21
\endif
\echo 'table rsql_blog.blog_table is ready'
\exit 0
EOF
rsqlexitcode=$?
echo "rsql_blog_script_2.sh ended at $(date +"%T.%N") with exit code $rsqlexitcode"
exit $rsqlexitcode
