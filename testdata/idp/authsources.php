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
// a role in another account, vouched for by that account's own Corp provider
$in = function ($account, $name) {
    return 'arn:aws:iam::' . $account . ':role/' . $name . ',arn:aws:iam::' . $account . ':saml-provider/Corp';
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
        // dana has one role in each of three accounts: one sign-in, three profiles
        'dana:dana-pass' => [
            'uid' => ['dana'],
            $role => [$in('111111111111', 'Dev'), $in('222222222222', 'ReadOnly'), $in('333333333333', 'Audit')],
            $rsn => ['dana@example.com'],
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
