// The team calendar: from a deal to "find a time", booking the first time offered, and seeing
// it in the week.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withDemo } from "../lib/baton.mjs";
import { signIn, shot, loginFor } from "../lib/pages.mjs";

let baton;
let browser;

withDemo((started) => ({ baton, browser } = started));

test("a meeting time found from a deal is booked and shows in the team's week", async () => {
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "coordinator"));
  await page.goto(`${baton.url}/pipeline`);
  await page.locator(".deal-card a").first().click();
  const deal = (await page.locator("h1").textContent()).trim();
  await page.getByRole("link", { name: "Find a meeting time" }).click();
  await page.waitForURL(/\/calendar\?deal=\d+/);
  assert.match(await page.locator(".find-time summary").textContent(), new RegExp(`Find a time for ${deal.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  // Look in next week, so the days are still ahead.
  await page.getByRole("link", { name: "Next week →" }).click();
  await page.getByRole("button", { name: "Find a time this week" }).click();
  const book = page.locator("#found button", { hasText: /^Book / }).first();
  await book.waitFor();
  assert.match(await page.locator("#found .note").first().textContent(), /^Priority \d+ \(amount \d+/);
  const label = (await book.textContent()).replace(/^Book /, "").trim();
  await shot(page, "calendar-find-a-time");
  await book.click();
  await page.locator(".notice", { hasText: "Booked" }).waitFor();
  assert.match(await page.locator(".notice").textContent(), new RegExp(label.split("–")[0]));
  // The meeting is on the coordinator's bar, with its subject.
  const block = page.locator(`.bar .busy[title*="${deal} meeting"]`);
  assert.ok((await block.count()) >= 1, "the booked meeting shows in the week");
  await shot(page, "calendar-week");
  await page.close();
});

/** The Monday `weeks` weeks after this one, as the calendar page's `week` parameter. */
function mondayIn(weeks) {
  const day = new Date();
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7) + 7 * weeks);
  return day.toISOString().slice(0, 10);
}

function plusDays(date, days) {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/** An API token for the person signed in on `page`, made on the settings page. */
async function tokenOf(page) {
  await page.goto(`${baton.url}/settings/tokens`);
  await page.getByLabel("What it is for").fill("calendar test");
  await page.getByRole("button", { name: "Create token" }).click();
  return (await page.locator("#new-token").textContent()).trim();
}

test("with no free time, a lower-priority meeting is asked to move, and the owner's accepting frees the time", async () => {
  // Weeks with no demo meetings in them: the demo books at most two weeks ahead.
  const week = mondayIn(3);
  const admin = await signIn(browser.context, baton.url, loginFor(baton.logins, "admin"));
  const api = { headers: { Authorization: `Bearer ${await tokenOf(admin)}` } };
  const repLogin = loginFor(baton.logins, "rep");
  const users = await (await admin.request.get(`${baton.url}/api/v1/users?limit=500`, api)).json();
  const rep = users.items.find((u) => u.email === repLogin.email);
  const teams = await (await admin.request.get(`${baton.url}/api/v1/teams?limit=500`, api)).json();
  const team = teams.items.find((t) => t.member_ids.includes(rep.id));
  // The rep works one hour a day, and in that week only on Tuesday.
  const hour = ["09:00-10:00"];
  const overrides = Object.fromEntries([0, 2, 3, 4].map((d) => [plusDays(week, d), []]));
  const put = await admin.request.put(`${baton.url}/api/v1/users/${rep.id}/working-hours`, {
    ...api,
    data: { weekly: [hour, hour, hour, hour, hour, [], []], overrides },
  });
  assert.equal(put.status(), 200, await put.text());

  const findWithRep = async (page, subject, priority) => {
    await page.goto(`${baton.url}/calendar?team=${team.id}&week=${week}`);
    await page.locator("details.find-time summary").click();
    for (const box of await page.locator("input[name=people]").all()) {
      await box.setChecked((await box.getAttribute("value")) === String(rep.id));
    }
    await page.getByLabel("Subject").fill(subject);
    await page.getByLabel(/^Priority/).fill(priority);
    await page.getByRole("button", { name: "Find a time this week" }).click();
    await page.locator("#found .note").waitFor();
  };

  // The admin books the rep's only free hour that week, at a low priority.
  await findWithRep(admin, "Weekly sync", "10");
  const only = admin.locator("#found button", { hasText: /^Book / });
  assert.equal(await only.count(), 1, "one free hour that week");
  await only.click();
  await admin.locator(".notice", { hasText: "Booked “Weekly sync”" }).waitFor();

  // The coordinator needs that hour for something more important.
  const coordinatorContext = await browser.newContext();
  const coordinator = await signIn(coordinatorContext, baton.url, loginFor(baton.logins, "coordinator"));
  await findWithRep(coordinator, "Globex final presentation", "90");
  assert.equal(await coordinator.locator("#found button", { hasText: /^Book / }).count(), 0);
  const proposal = coordinator.locator("#found .proposals li").first();
  assert.match(await proposal.locator(".detail").first().textContent(), /^Moving 'Weekly sync' to .* frees .* for 'Globex final presentation'/);
  await shot(coordinator, "calendar-proposed-move");
  await proposal.getByRole("button", { name: "Ask to move it" }).click();
  await coordinator.locator(".notice", { hasText: "Asked the meeting's owner" }).waitFor();
  // Nothing moved yet.
  await findWithRep(coordinator, "Globex final presentation", "90");
  assert.equal(await coordinator.locator("#found button", { hasText: /^Book / }).count(), 0);

  // The owner accepts on their calendar page.
  await admin.goto(`${baton.url}/calendar`);
  const waiting = admin.locator("#moves li", { hasText: "Weekly sync" });
  await waiting.getByRole("button", { name: "Accept" }).click();
  await admin.locator(".notice", { hasText: "Accepted the move" }).waitFor();

  // Now the hour is free for the coordinator's meeting.
  await findWithRep(coordinator, "Globex final presentation", "90");
  await coordinator.locator("#found button", { hasText: /^Book / }).first().click();
  await coordinator.locator(".notice", { hasText: "Booked “Globex final presentation”" }).waitFor();
  await coordinatorContext.close();
  await admin.close();
});

test("a person adds an external calendar file, sees its warnings, and its events block their week", async () => {
  const week = mondayIn(3);
  const wednesday = plusDays(week, 2).replaceAll("-", "");
  const page = await signIn(browser.context, baton.url, loginFor(baton.logins, "rep"));
  await page.goto(`${baton.url}/calendar`);
  await page.getByRole("link", { name: /Your other calendars/ }).click();
  await page.waitForURL(/\/calendar\/mine$/);

  // Not a calendar: refused with the reason, and the name typed is kept.
  await page.getByLabel("Name").fill("Dentist");
  await page.getByLabel(/calendar file/).setInputFiles({ name: "notes.ics", mimeType: "text/calendar", buffer: Buffer.from("just some notes") });
  await page.getByRole("button", { name: "Add calendar" }).click();
  assert.match(await page.locator("#source-error").textContent(), /not an iCalendar file/);
  assert.equal(await page.getByLabel("Name").inputValue(), "Dentist");

  const ics = [
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
    "BEGIN:VEVENT", "UID:dentist@google.com", "SUMMARY:Dentist", `DTSTART:${wednesday}T130000Z`, `DTEND:${wednesday}T140000Z`, "END:VEVENT",
    "BEGIN:VEVENT", "UID:broken@google.com", "DTSTART:someday", "END:VEVENT",
    "END:VCALENDAR", "",
  ].join("\r\n");
  await page.getByLabel(/calendar file/).setInputFiles({ name: "personal.ics", mimeType: "text/calendar", buffer: Buffer.from(ics) });
  await page.getByRole("button", { name: "Add calendar" }).click();
  await page.locator(".notice", { hasText: "Added “Dentist” with 1 event;" }).waitFor();
  const listed = page.locator("#sources li", { hasText: "Dentist" });
  assert.match(await listed.textContent(), /uploaded file · 1 event ·/);
  await listed.locator("summary", { hasText: "1 event could not be read whole" }).click();
  assert.match(await listed.locator("details li").textContent(), /^broken@google\.com: /);
  await shot(page, "calendar-mine");

  await page.goto(`${baton.url}/calendar?week=${week}`);
  assert.ok((await page.locator(".bar .external").count()) >= 1, "the dentist blocks the week");

  // A feed of one's own meetings, shown once.
  await page.goto(`${baton.url}/calendar/mine`);
  await page.getByRole("button", { name: "Make a feed address" }).click();
  const feed = (await page.locator("#feed-events").textContent()).trim();
  assert.match(feed, /\/calendar\/feeds\/\S+\/events\.ics$/);
  const served = await page.request.get(feed);
  assert.equal(served.status(), 200);
  assert.match(await served.text(), /^BEGIN:VCALENDAR\r\n/);

  // Removed, it no longer blocks time.
  await page.locator("#sources li", { hasText: "Dentist" }).getByRole("button", { name: "Remove" }).click();
  await page.locator(".notice", { hasText: "Removed “Dentist”" }).waitFor();
  await page.close();
});
