package cors

import "slices"

// SharedHostingSuffixes are the domains under which anyone can get a
// subdomain (a free account is enough), so an origin wildcard directly under
// one of them (https://*.workers.dev) lets strangers' pages in. It is the one
// list the findings use and the docs show; add a platform here.
var SharedHostingSuffixes = []string{
	"workers.dev",       // Cloudflare Workers
	"pages.dev",         // Cloudflare Pages
	"r2.dev",            // Cloudflare R2 public buckets
	"vercel.app",        // Vercel
	"netlify.app",       // Netlify
	"github.io",         // GitHub Pages
	"herokuapp.com",     // Heroku
	"cloudfront.net",    // Amazon CloudFront
	"azurewebsites.net", // Azure App Service
	"appspot.com",       // Google App Engine
	"web.app",           // Firebase Hosting
	"firebaseapp.com",   // Firebase Hosting
}

// sharedHosting reports whether domain is one of SharedHostingSuffixes.
func sharedHosting(domain string) bool {
	return slices.Contains(SharedHostingSuffixes, domain)
}
