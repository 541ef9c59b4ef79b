<?xml version="1.0" encoding="UTF-8"?>
<!--
  The styled view of the site's RSS feeds (feed.xml, digests/feed.xml) when opened in a
  browser. In place of the RSS plugin's shipped rss.xsl, whose item byline says "Par"
  (French) and shows only the first author: every label here is in the site's language
  (English), and every author of an item is shown. Layout after mkdocs-rss-plugin's
  default.xsl (MIT licence). Referenced by `stylesheet:` of each rss instance in mkdocs.yml.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/">

  <xsl:output method="html" encoding="UTF-8" indent="yes"/>

  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta charset="UTF-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1.0"/>
        <title><xsl:value-of select="rss/channel/title"/> (feed)</title>
        <style>
*, *::before, *::after { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, sans-serif; max-width: 900px; margin: 0 auto;
       padding: 20px 16px; background: #f9fafb; color: #111827; }
header { border-bottom: 2px solid #e5e7eb; padding-bottom: 20px; margin-bottom: 30px; }
h1 { margin: 0; font-size: clamp(1.2rem, 5vw, 1.8rem); word-break: break-word; }
.item { background: white; padding: 20px; margin-bottom: 25px; border-radius: 10px;
        box-shadow: 0 4px 12px rgba(0,0,0,0.05); }
.item h2 { margin-top: 0; font-size: clamp(1rem, 4vw, 1.3rem); word-break: break-word; }
.meta { font-size: 0.9em; color: #4b5563; margin-bottom: 10px; }
.categories span { background: #eef2ff; border-radius: 6px; color: #3730a3; display: inline-block;
                   font-size: 0.75em; margin: 0 5px 5px 0; padding: 3px 8px; }
a { color: #1d4ed8; word-break: break-word; }
        </style>
      </head>
      <body>
        <header>
          <h1><xsl:value-of select="rss/channel/title"/></h1>
          <p><xsl:value-of select="rss/channel/description"/></p>
          <p>
            This is a news feed: copy its address into a feed reader to follow it.
            <a><xsl:attribute name="href"><xsl:value-of select="rss/channel/link"/></xsl:attribute>Visit the website</a>
          </p>
          <div class="meta">
            <xsl:if test="rss/channel/lastBuildDate">
              <strong>Updated:</strong><xsl:text> </xsl:text><xsl:value-of select="rss/channel/lastBuildDate"/>
            </xsl:if>
          </div>
        </header>
        <main>
          <xsl:for-each select="rss/channel/item">
            <article class="item">
              <h2>
                <a><xsl:attribute name="href"><xsl:value-of select="link"/></xsl:attribute><xsl:value-of select="title"/></a>
              </h2>
              <div class="meta">
                <xsl:if test="author">
                  <xsl:text>By </xsl:text>
                  <xsl:for-each select="author">
                    <xsl:if test="position() &gt; 1">
                      <xsl:choose>
                        <xsl:when test="position() = last()"><xsl:text> and </xsl:text></xsl:when>
                        <xsl:otherwise><xsl:text>, </xsl:text></xsl:otherwise>
                      </xsl:choose>
                    </xsl:if>
                    <xsl:value-of select="."/>
                  </xsl:for-each>
                  <xsl:text> · </xsl:text>
                </xsl:if>
                <xsl:value-of select="pubDate"/>
              </div>
              <p><xsl:value-of select="description"/></p>
              <div class="categories">
                <xsl:for-each select="category"><span><xsl:value-of select="."/></span></xsl:for-each>
              </div>
            </article>
          </xsl:for-each>
        </main>
      </body>
    </html>
  </xsl:template>

</xsl:stylesheet>
