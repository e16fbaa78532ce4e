// The openai npm SDK against `harness proxy`: each test has its own cassette, chosen by its base URL.
//
// Replay (offline, the default):  harness proxy --port 8010 --cassette-dir cassettes
// Record against the embedded server:  harness proxy --port 8010 --cassette-dir cassettes --record-mode rewrite
// then:  HARNESS_PROXY=http://127.0.0.1:8010 npm test
import assert from "node:assert/strict";
import { appendFileSync } from "node:fs";
import { test } from "node:test";
import OpenAI from "openai";

const PROXY = process.env.HARNESS_PROXY ?? "http://127.0.0.1:8010";

function clientFor(cassette) {
  // The only change a test makes for the harness: its base URL names its cassette.
  return new OpenAI({ baseURL: `${PROXY}/cassettes/${cassette}/v1`, apiKey: process.env.OPENAI_API_KEY ?? "sk-test" });
}

async function verdict(cassette) {
  // Eject: the proxy saves the cassette and says what was played, recorded, left unused and found.
  const response = await fetch(`${PROXY}/_harness/cassettes/${cassette}/eject`, { method: "POST" });
  assert.equal(response.status, 200, await response.clone().text());
  const result = await response.json();
  assert.equal(result.passed, true, JSON.stringify(result.findings.filter((f) => f.fails)));
  assert.deepEqual(result.unused, [], "every recorded interaction was replayed");
  assert.deepEqual(result.unmatched, []);
  return result;
}

function report(name, facts) {
  // What each test saw, as JSON lines in $HARNESS_RESULTS: the Python side compares it with the cassette.
  if (process.env.HARNESS_RESULTS) {
    appendFileSync(process.env.HARNESS_RESULTS, `${JSON.stringify({ name, ...facts })}\n`);
  }
}

test("streamed run: text arrives delta by delta", async () => {
  const cassette = "streamed-run";
  const client = clientFor(cassette);
  const assistant = await client.beta.assistants.create({
    model: "gpt-4o",
    name: "Greeter",
    instructions: "Answer in one short sentence.",
  });
  const thread = await client.beta.threads.create();
  await client.beta.threads.messages.create(thread.id, { role: "user", content: "Say hello to the team." });

  const events = [];
  let text = "";
  const stream = client.beta.threads.runs.stream(thread.id, { assistant_id: assistant.id });
  stream.on("event", (event) => events.push(event.event));
  stream.on("textDelta", (delta) => {
    text += delta.value ?? "";
  });
  const run = await stream.finalRun();

  assert.equal(run.status, "completed");
  assert.equal(events[0], "thread.run.created");
  assert.equal(events.at(-1), "thread.run.completed");
  assert.ok(events.filter((name) => name === "thread.message.delta").length > 1, "several text deltas");
  const messages = await client.beta.threads.messages.list(thread.id, { order: "asc" });
  const answer = messages.data.at(-1).content[0].text.value;
  assert.equal(text, answer, "the streamed text is the stored message");
  report(cassette, { status: run.status, text, events: events.length });
  await verdict(cassette);
});

test("createAndPoll: the poll loop ends in the recorded terminal state", async () => {
  const cassette = "create-and-poll";
  const client = clientFor(cassette);
  const assistant = await client.beta.assistants.create({ model: "gpt-4o", name: "Poller" });
  const thread = await client.beta.threads.create({
    messages: [{ role: "user", content: "What is the capital of France?" }],
  });
  const run = await client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
  assert.equal(run.status, "completed");
  const messages = await client.beta.threads.messages.list(thread.id);
  const answer = messages.data[0].content[0].text.value;
  assert.ok(answer.length > 0);
  report(cassette, { status: run.status, text: answer });
  await verdict(cassette);
});

test("tool outputs: requires_action, then submitToolOutputsAndPoll", async () => {
  const cassette = "tool-outputs";
  const client = clientFor(cassette);
  const assistant = await client.beta.assistants.create({
    model: "gpt-4o",
    name: "Forecaster",
    tools: [
      {
        type: "function",
        function: {
          name: "get_weather",
          description: "The weather in a city",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
        },
      },
    ],
  });
  const thread = await client.beta.threads.create({
    messages: [{ role: "user", content: "What is the weather in Paris?" }],
  });
  const waiting = await client.beta.threads.runs.createAndPoll(thread.id, { assistant_id: assistant.id });
  assert.equal(waiting.status, "requires_action");
  const calls = waiting.required_action.submit_tool_outputs.tool_calls;
  assert.equal(calls[0].function.name, "get_weather");
  const run = await client.beta.threads.runs.submitToolOutputsAndPoll(waiting.id, {
    thread_id: thread.id,
    tool_outputs: calls.map((call) => ({ tool_call_id: call.id, output: '{"celsius": 21}' })),
  });
  assert.equal(run.status, "completed");
  const messages = await client.beta.threads.messages.list(thread.id);
  const answer = messages.data[0].content[0].text.value;
  report(cassette, { status: run.status, statuses: [waiting.status, run.status], text: answer });
  await verdict(cassette);
});
