// Lists the campaigns with links to their observations, until the field app replaces this page.
const list = document.getElementById("campaigns");

function item(campaign) {
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.href = `/api/v1/campaigns/${encodeURIComponent(campaign.slug)}/observations?limit=100`;
  link.textContent = campaign.title;
  const note = document.createElement("small");
  note.textContent = ` — ${campaign.observation_count} observations · ${campaign.licence}` +
    (campaign.attribution ? ` · ${campaign.attribution}` : "");
  li.append(link, note);
  return li;
}

fetch("/api/v1/campaigns")
  .then((response) => response.json())
  .then((body) => {
    list.replaceChildren(...body.campaigns.map(item));
    if (!body.campaigns.length) list.textContent = "—";
  })
  .catch(() => { list.textContent = "API indisponible / API unavailable"; });
