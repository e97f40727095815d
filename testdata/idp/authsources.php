<?php
// Test users for the live SimpleSAMLphp IdP (testdata/idp/idp-up.sh copies this file into its config dir).
// exampleauth:UserPass keys are "<username>:<password>"; SimpleSAMLphp splits them at the first ':'.
$role = 'https://aws.amazon.com/SAML/Attributes/Role';
$rsn = 'https://aws.amazon.com/SAML/Attributes/RoleSessionName';
$dur = 'https://aws.amazon.com/SAML/Attributes/SessionDuration';
$provider = 'arn:aws:iam::123456789012:saml-provider/Corp';
$arn = function ($name) use ($provider) {
    return 'arn:aws:iam::123456789012:role/' . $name . ',' . $provider;
};
$config = [
    'admin' => ['core:AdminPassword'],
    'example-userpass' => [
        'exampleauth:UserPass',
        'alice:alice-pass' => [
            'uid' => ['alice'],
            $role => [$arn('Dev'), $arn('Admin')],
            $rsn => ['alice@example.com'],
            $dur => ['3600'],
        ],
        // bob's password exercises form encoding: p&ss=w+rd %#'"x y
        'bob:p&ss=w+rd %#\'"x y' => [
            'uid' => ['bob'],
            $role => [$arn('Dev')],
            $rsn => ['bob@example.com'],
            $dur => ['3600'],
        ],
        // carol has exactly one role, so login must pick it without --role
        'carol:carol-pass' => [
            'uid' => ['carol'],
            $role => [$arn('Admin')],
            $rsn => ['carol@example.com'],
            $dur => ['3600'],
        ],
    ],
];
