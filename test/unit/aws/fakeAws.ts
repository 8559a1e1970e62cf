// A tiny in-process IAM/STS stand-in on 127.0.0.1 for unit tests: answers the Query API actions the
// reader and the STS client use with canned XML, and lets a test script errors per action.
import { createServer } from 'node:http';
import type { Server } from 'node:http';

// Unit tests talk to loopback only: never let the SDK's credential chain reach the EC2 metadata address.
process.env.AWS_EC2_METADATA_DISABLED = 'true';

export interface FakeAws {
  url: string;
  /** Requests by action. */
  calls: Record<string, number>;
  /** Role name → URL-encoded trust policy (roles that exist). */
  roles: Map<string, { trust: string; max?: number }>;
  /** Per action, a queue of errors to answer with before succeeding: [status, code, message]. */
  errors: Map<string, Array<[number, string, string]>>;
  callerArn: string;
  close(): Promise<void>;
}

function xml(action: string, body: string): string {
  const ns = ['GetCallerIdentity', 'AssumeRole', 'GetSessionToken'].includes(action)
    ? 'https://sts.amazonaws.com/doc/2011-06-15/'
    : 'https://iam.amazonaws.com/doc/2010-05-08/';
  return `<${action}Response xmlns="${ns}"><${action}Result>${body}</${action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`;
}

export function startFakeAws(): Promise<FakeAws> {
  const fake: Omit<FakeAws, 'url' | 'close'> = {
    calls: {},
    roles: new Map(),
    errors: new Map(),
    callerArn: 'arn:aws:iam::123456789012:user/tester',
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const params = new URLSearchParams(body);
      const action = params.get('Action') ?? '';
      fake.calls[action] = (fake.calls[action] ?? 0) + 1;
      const queued = fake.errors.get(action);
      const error = queued?.shift();
      if (error) {
        res
          .writeHead(error[0], { 'content-type': 'text/xml' })
          .end(
            `<ErrorResponse><Error><Type>Sender</Type><Code>${error[1]}</Code><Message>${error[2]}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
          );
        return;
      }
      const account = /::(\d{12}):/.exec(fake.callerArn)?.[1] ?? '123456789012';
      const ok = (inner: string) => res.writeHead(200, { 'content-type': 'text/xml' }).end(xml(action, inner));
      switch (action) {
        case 'GetCallerIdentity':
          return ok(`<Arn>${fake.callerArn}</Arn><UserId>AIDA</UserId><Account>${account}</Account>`);
        case 'GetRole': {
          const name = params.get('RoleName') ?? '';
          const role = fake.roles.get(name);
          if (!role) {
            res
              .writeHead(404, { 'content-type': 'text/xml' })
              .end(
                `<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchEntity</Code><Message>The role with name ${name} cannot be found.</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
              );
            return;
          }
          return ok(
            `<Role><Path>/</Path><RoleName>${name}</RoleName><RoleId>AROA${name.length}</RoleId><Arn>arn:aws:iam::${account}:role/${name}</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>${role.trust}</AssumeRolePolicyDocument>${role.max ? `<MaxSessionDuration>${role.max}</MaxSessionDuration>` : ''}</Role>`,
          );
        }
        case 'ListRoles':
          return ok(
            `<IsTruncated>false</IsTruncated><Roles>${[...fake.roles.keys()].map((n) => `<member><Path>/</Path><RoleName>${n}</RoleName><RoleId>AROA</RoleId><Arn>arn:aws:iam::${account}:role/${n}</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>${fake.roles.get(n)?.trust}</AssumeRolePolicyDocument>${fake.roles.get(n)?.max ? `<MaxSessionDuration>${fake.roles.get(n)?.max}</MaxSessionDuration>` : ''}</member>`).join('')}</Roles>`,
          );
        case 'GetAccountAuthorizationDetails': {
          // Two pages: the role on the first (URL-encoded trust, as IAM sends it), a broken policy on the second.
          if (!params.get('Marker')) {
            return ok(
              `<IsTruncated>true</IsTruncated><Marker>page2</Marker><RoleDetailList><member><Path>/</Path><RoleName>deploy-role</RoleName><RoleId>AROA1</RoleId><Arn>arn:aws:iam::${account}:role/deploy-role</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>${encodeURIComponent('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}')}</AssumeRolePolicyDocument><RolePolicyList><member><PolicyName>all</PolicyName><PolicyDocument>${encodeURIComponent('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}')}</PolicyDocument></member></RolePolicyList><AttachedManagedPolicies/><InstanceProfileList/><Tags/></member></RoleDetailList><UserDetailList/><GroupDetailList/><Policies/>`,
            );
          }
          return ok(
            `<IsTruncated>false</IsTruncated><RoleDetailList/><UserDetailList><member><Path>/</Path><UserName>ken</UserName><UserId>AIDA1</UserId><Arn>arn:aws:iam::${account}:user/ken</Arn><CreateDate>2024-01-01T00:00:00Z</CreateDate><UserPolicyList/><GroupList/><AttachedManagedPolicies/><Tags/></member></UserDetailList><GroupDetailList/><Policies><member><PolicyName>broken</PolicyName><PolicyId>ANPA1</PolicyId><Arn>arn:aws:iam::${account}:policy/broken</Arn><Path>/</Path><DefaultVersionId>v1</DefaultVersionId><AttachmentCount>0</AttachmentCount><IsAttachable>true</IsAttachable><PolicyVersionList><member><Document>${encodeURIComponent('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:*",],"Resource":"*"}]}')}</Document><VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion></member></PolicyVersionList></member></Policies>`,
          );
        }
        case 'ListRolePolicies':
          return ok('<IsTruncated>false</IsTruncated><PolicyNames></PolicyNames>');
        case 'ListAttachedRolePolicies':
          return ok('<IsTruncated>false</IsTruncated><AttachedPolicies></AttachedPolicies>');
        case 'AssumeRole':
          return ok(
            `<Credentials><AccessKeyId>ASIAFAKE</AccessKeyId><SecretAccessKey>fakesecret</SecretAccessKey><SessionToken>faketoken</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/${(params.get('RoleArn') ?? '').split('/').pop()}/${params.get('RoleSessionName')}</Arn><AssumedRoleId>AROA:x</AssumedRoleId></AssumedRoleUser>`,
          );
        case 'GetSessionToken':
          return ok(
            '<Credentials><AccessKeyId>ASIAFAKE</AccessKeyId><SecretAccessKey>fakesecret</SecretAccessKey><SessionToken>faketoken</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>',
          );
        case 'ListMFADevices':
          return ok(
            '<IsTruncated>false</IsTruncated><MFADevices><member><UserName>tester</UserName><SerialNumber>arn:aws:iam::123456789012:mfa/tester</SerialNumber><EnableDate>2024-01-01T00:00:00Z</EnableDate></member></MFADevices>',
          );
        default:
          res
            .writeHead(400)
            .end(
              `<ErrorResponse><Error><Code>InvalidAction</Code><Message>${action}</Message></Error></ErrorResponse>`,
            );
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve(
        Object.assign(fake, {
          url: `http://127.0.0.1:${port}`,
          close: () =>
            new Promise<void>((done) => {
              server.closeAllConnections();
              server.close(() => done());
            }),
        }),
      );
    });
  });
}
