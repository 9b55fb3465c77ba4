// GOV.UK Frontend components (details, error summary, header menu...).
import { initAll } from '/static/vendor/govuk-frontend/govuk-frontend.min.js';

initAll();
