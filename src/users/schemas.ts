import { Type, type Static } from 'typebox';

// One set of rules for the REST route and the CLI, mirroring the CHECKs of migrations/002, so bad input is refused
// with a reason before PostgreSQL would refuse it with a constraint name.

export const ROLES = ['agent', 'supervisor', 'admin'] as const;
export const UserRole = Type.Enum(ROLES);

export const Username = Type.String({ pattern: '^[a-z0-9._-]{2,64}$', description: 'lower-case letters, digits and . _ - (2-64)' });
export const DisplayName = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' });
export const Endpoint = Type.String({ pattern: '^[A-Za-z0-9]+/[^\\s]{1,120}$', description: 'the phone Ringside rings, e.g. PJSIP/1001' });
/** Long enough to resist guessing once throttled; the upper bound keeps a hash request cheap to refuse. */
export const Password = Type.String({ minLength: 8, maxLength: 256, description: 'at least 8 characters' });
export const SkillName = Type.String({ pattern: '^[a-z0-9_:-]{1,64}$' });
export const Skills = Type.Record(SkillName, Type.Integer({ minimum: 1, maximum: 10 }), {
  description: 'skill → level 1-10, e.g. { "billing": 7, "lang:zh": 10 }',
  additionalProperties: false,
  maxProperties: 100,
});

export const UserCreate = Type.Object(
  {
    username: Username,
    displayName: DisplayName,
    role: UserRole,
    password: Password,
    defaultEndpoint: Type.Optional(Endpoint),
    skills: Type.Optional(Skills),
  },
  { additionalProperties: false },
);
export type UserCreate = Static<typeof UserCreate>;

export const UserUpdate = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    role: Type.Optional(UserRole),
    active: Type.Optional(Type.Boolean({ description: 'false: the user cannot log in and every session of theirs ends' })),
    defaultEndpoint: Type.Optional(Type.Union([Endpoint, Type.Null()])),
    password: Type.Optional(Password),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UserUpdate = Static<typeof UserUpdate>;

export const User = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: UserRole,
  defaultEndpoint: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  skills: Type.Record(Type.String(), Type.Integer()),
  createdAt: Type.String({ format: 'date-time' }),
});
export type User = Static<typeof User>;
