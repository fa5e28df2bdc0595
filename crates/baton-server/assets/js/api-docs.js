// Starts the vendored Swagger UI on the API reference page; kept out of the HTML so the page
// needs no inline script.
window.addEventListener("DOMContentLoaded", () => {
  window.SwaggerUIBundle({
    url: document.body.dataset.spec,
    dom_id: "#api-docs",
    deepLinking: true,
    tryItOutEnabled: false,
  });
});
