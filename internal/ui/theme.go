package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme is Fallback's own look: Fyne's default theme with a calm palette (a
// quiet blue for primary, green for "speak now", amber for warnings, red for
// errors) in a light and a dark variant, slightly larger text and more
// padding. Colours follow the variant Fyne passes in, so the app follows the
// system's light or dark setting. The zero value is ready to use.
//
// Every text colour in the palette reads at a WCAG contrast ratio of at
// least 4.5:1 on the background it is drawn on (theme_test.go checks it).
type Theme struct {
	// base supplies fonts, icons and whatever the palette and sizes below
	// leave out; nil means theme.DefaultTheme().
	base fyne.Theme
}

// NewTheme returns Fallback's theme.
func NewTheme() fyne.Theme { return &Theme{base: theme.DefaultTheme()} }

func (t *Theme) fallback() fyne.Theme {
	if t == nil || t.base == nil {
		return theme.DefaultTheme()
	}
	return t.base
}

// Color implements fyne.Theme: the light palette for theme.VariantLight,
// the dark one otherwise (as Fyne's default theme does).
func (t *Theme) Color(name fyne.ThemeColorName, variant fyne.ThemeVariant) color.Color {
	p := themeDark
	if variant == theme.VariantLight {
		p = themeLight
	}
	if c, ok := p[name]; ok {
		return c
	}
	return t.fallback().Color(name, variant)
}

// Font implements fyne.Theme with the default fonts.
func (t *Theme) Font(style fyne.TextStyle) fyne.Resource { return t.fallback().Font(style) }

// Icon implements fyne.Theme with the default icons.
func (t *Theme) Icon(name fyne.ThemeIconName) fyne.Resource { return t.fallback().Icon(name) }

// Size implements fyne.Theme: the sizes of themeSizes, else the default's.
func (t *Theme) Size(name fyne.ThemeSizeName) float32 {
	if s, ok := themeSizes[name]; ok {
		return s
	}
	return t.fallback().Size(name)
}

// themeSizes are the sizes that differ from Fyne's defaults (14 text, 11
// caption, 4 padding, 8 inner padding). One step larger text reads better
// at arm's length from a laptop while a rep talks; a little more padding
// keeps the larger text from crowding; 800×600 still fits every screen.
var themeSizes = map[fyne.ThemeSizeName]float32{
	theme.SizeNameText:           15,
	theme.SizeNameCaptionText:    12,
	theme.SizeNameSubHeadingText: 19,
	theme.SizeNameHeadingText:    26,
	theme.SizeNamePadding:        5,
	theme.SizeNameInnerPadding:   10,
	theme.SizeNameLineSpacing:    5,
	theme.SizeNameInputRadius:    6,
}

// themeRGB is an opaque colour from its hex components.
func themeRGB(v uint32) color.NRGBA {
	return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// themeRGBA is themeRGB(v) with alpha a, for overlays drawn over other colours.
func themeRGBA(v uint32, a uint8) color.NRGBA {
	c := themeRGB(v)
	c.A = a
	return c
}

// Palette anchors, named so the two variants read side by side. Light: a
// slate text on a cool near-white; dark: a pale grey on a blue-black. The
// accents of the dark variant are lighter, so they carry dark text.
const (
	lightBackground = 0xf5f7fa
	lightForeground = 0x1f2933
	lightPrimary    = 0x2b6cb0
	lightSuccess    = 0x2f7d57
	lightWarning    = 0xb45309
	lightError      = 0xc53030
	lightMuted      = 0x5f6b7a // placeholder text; 5.4:1 on white
	lightBorder     = 0x7b8794 // input borders; 3.6:1 on white (WCAG non-text 3:1)

	darkBackground = 0x14181d
	darkForeground = 0xe4e9ef
	darkPrimary    = 0x63a4e8
	darkSuccess    = 0x48bb78
	darkWarning    = 0xf6c453
	darkError      = 0xf56565
	darkOnAccent   = 0x0e1116 // text on the light accents of the dark variant
	darkMuted      = 0x9aa5b1
	darkSurface    = 0x1c2128 // inputs, menus, headers: one step above the background
	darkRaised     = 0x2a323c // buttons, separators
)

// themeLight and themeDark are the palettes; names not here come from the
// base theme.
var (
	themeLight = map[fyne.ThemeColorName]color.Color{
		theme.ColorNameBackground:          themeRGB(lightBackground),
		theme.ColorNameForeground:          themeRGB(lightForeground),
		theme.ColorNamePrimary:             themeRGB(lightPrimary),
		theme.ColorNameForegroundOnPrimary: themeRGB(0xffffff),
		theme.ColorNameHyperlink:           themeRGB(lightPrimary),
		theme.ColorNameSuccess:             themeRGB(lightSuccess),
		theme.ColorNameForegroundOnSuccess: themeRGB(0xffffff),
		theme.ColorNameWarning:             themeRGB(lightWarning),
		theme.ColorNameForegroundOnWarning: themeRGB(0xffffff),
		theme.ColorNameError:               themeRGB(lightError),
		theme.ColorNameForegroundOnError:   themeRGB(0xffffff),
		theme.ColorNameButton:              themeRGB(0xe4e7eb),
		theme.ColorNameDisabledButton:      themeRGB(0xeef1f4),
		theme.ColorNameDisabled:            themeRGB(0x9aa5b1),
		theme.ColorNameInputBackground:     themeRGB(0xffffff),
		theme.ColorNameInputBorder:         themeRGB(lightBorder),
		theme.ColorNamePlaceHolder:         themeRGB(lightMuted),
		theme.ColorNameHeaderBackground:    themeRGB(0xe9edf1),
		theme.ColorNameMenuBackground:      themeRGB(0xffffff),
		theme.ColorNameOverlayBackground:   themeRGB(0xffffff),
		theme.ColorNameSeparator:           themeRGB(0xd9dee3),
		theme.ColorNameHover:               themeRGBA(lightForeground, 0x14),
		theme.ColorNamePressed:             themeRGBA(lightForeground, 0x29),
		theme.ColorNameFocus:               themeRGBA(lightPrimary, 0x7f),
		theme.ColorNameSelection:           themeRGBA(lightPrimary, 0x40),
		theme.ColorNameScrollBar:           themeRGBA(lightForeground, 0x99),
		theme.ColorNameScrollBarBackground: themeRGBA(lightForeground, 0x14),
		theme.ColorNameShadow:              themeRGBA(0x000000, 0x33),
	}
	themeDark = map[fyne.ThemeColorName]color.Color{
		theme.ColorNameBackground:          themeRGB(darkBackground),
		theme.ColorNameForeground:          themeRGB(darkForeground),
		theme.ColorNamePrimary:             themeRGB(darkPrimary),
		theme.ColorNameForegroundOnPrimary: themeRGB(darkOnAccent),
		theme.ColorNameHyperlink:           themeRGB(darkPrimary),
		theme.ColorNameSuccess:             themeRGB(darkSuccess),
		theme.ColorNameForegroundOnSuccess: themeRGB(darkOnAccent),
		theme.ColorNameWarning:             themeRGB(darkWarning),
		theme.ColorNameForegroundOnWarning: themeRGB(darkOnAccent),
		theme.ColorNameError:               themeRGB(darkError),
		theme.ColorNameForegroundOnError:   themeRGB(darkOnAccent),
		theme.ColorNameButton:              themeRGB(darkRaised),
		theme.ColorNameDisabledButton:      themeRGB(0x1f252d),
		theme.ColorNameDisabled:            themeRGB(0x5f6b7a),
		theme.ColorNameInputBackground:     themeRGB(darkSurface),
		theme.ColorNameInputBorder:         themeRGB(0x6b7785), // 3.6:1 on the surface (WCAG non-text 3:1)
		theme.ColorNamePlaceHolder:         themeRGB(darkMuted),
		theme.ColorNameHeaderBackground:    themeRGB(darkSurface),
		theme.ColorNameMenuBackground:      themeRGB(darkSurface),
		theme.ColorNameOverlayBackground:   themeRGB(darkSurface),
		theme.ColorNameSeparator:           themeRGB(darkRaised),
		theme.ColorNameHover:               themeRGBA(darkForeground, 0x14),
		theme.ColorNamePressed:             themeRGBA(darkForeground, 0x29),
		theme.ColorNameFocus:               themeRGBA(darkPrimary, 0x7f),
		theme.ColorNameSelection:           themeRGBA(darkPrimary, 0x40),
		theme.ColorNameScrollBar:           themeRGBA(darkForeground, 0x99),
		theme.ColorNameScrollBarBackground: themeRGBA(darkForeground, 0x14),
		theme.ColorNameShadow:              themeRGBA(0x000000, 0x66),
	}
)
