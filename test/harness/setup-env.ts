// n8n's logger prints every node error to the console; the tests assert on those errors
// directly, so keep the output readable.
process.env.N8N_LOG_LEVEL = process.env.N8N_LOG_LEVEL ?? 'silent';
