// What the console knows, in one object the feature modules share.

export const PAGE = 50;

export const S = {
  session: null,          // {token, expiresAt, user}
  me: null,               // GET /me
  isAgent: false,
  status: null,
  load: 0,
  max: 0,
  convs: new Map(),       // id -> conversation (view fields + local state)
  tab: 'open',
  sort: 'latest',
  filter: 'all',
  selected: null,
  linkUp: false,
  synced: false,
  lastTypingSent: 0,
  seesTenant: false,      // supervisors and admins: the whole tenant's queue, assign by hand
  queue: [],              // GET /queue: waiting conversations in serving order
  queueAt: 0,             // when the queue was fetched; waiting times tick on from there
  queueFilter: {channelId: '', minWait: 0},
  queueError: null,       // {key, name} shown above the queue until dismissed or replaced
  channels: new Map(),    // id -> {id, name, kind}
  agents: [],             // supervisors: the tenant's agents, to assign to by hand
  agentsAt: 0,
  busy: new Set(),        // conversations with a pick-up or assignment under way
  offline: new Set(),     // conversations known to have been left as offline messages
  routingChecked: new Set(),
};
