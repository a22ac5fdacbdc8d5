package ui_test

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fallback/internal/ui"
)

// themeVariants are the variants a system can ask for.
var themeVariants = []struct {
	name    string
	variant fyne.ThemeVariant
}{
	{"light", theme.VariantLight},
	{"dark", theme.VariantDark},
}

// relativeLuminance is the WCAG 2.x relative luminance of an opaque colour.
func relativeLuminance(c color.Color) float64 {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(n.R) + 0.7152*lin(n.G) + 0.0722*lin(n.B)
}

// contrastRatio is the WCAG contrast ratio of two opaque colours, 1..21.
func contrastRatio(a, b color.Color) float64 {
	la, lb := relativeLuminance(a), relativeLuminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func TestThemeDefinesEveryColourInBothVariants(t *testing.T) {
	test.NewTempApp(t)
	th := ui.NewTheme()
	// Fyne's own list of the colour names its widgets use.
	test.AssertAllColorNamesDefined(t, th, "Fallback")
	for _, v := range themeVariants {
		for _, name := range []fyne.ThemeColorName{
			theme.ColorNameBackground, theme.ColorNameForeground, theme.ColorNamePrimary,
			theme.ColorNameSuccess, theme.ColorNameWarning, theme.ColorNameError,
		} {
			if th.Color(name, v.variant) == nil {
				t.Errorf("%s: %s is nil", v.name, name)
			}
		}
	}
}

func TestThemeVariantsDiffer(t *testing.T) {
	test.NewTempApp(t)
	th := ui.NewTheme()
	light := relativeLuminance(th.Color(theme.ColorNameBackground, theme.VariantLight))
	dark := relativeLuminance(th.Color(theme.ColorNameBackground, theme.VariantDark))
	if !(light > 0.8 && dark < 0.05) {
		t.Errorf("background luminance light %.3f, dark %.3f: want a light light variant and a dark dark one", light, dark)
	}
}

func TestThemeTextContrast(t *testing.T) {
	test.NewTempApp(t)
	th := ui.NewTheme()
	// WCAG 2.x AA for normal text.
	const wantRatio = 4.5
	pairs := []struct {
		text, on fyne.ThemeColorName
	}{
		{theme.ColorNameForeground, theme.ColorNameBackground},
		{theme.ColorNameForeground, theme.ColorNameButton},
		{theme.ColorNameForeground, theme.ColorNameInputBackground},
		{theme.ColorNameForeground, theme.ColorNameHeaderBackground},
		{theme.ColorNameForeground, theme.ColorNameMenuBackground},
		{theme.ColorNameForeground, theme.ColorNameOverlayBackground},
		{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary},
		{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess},
		{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning},
		{theme.ColorNameForegroundOnError, theme.ColorNameError},
		{theme.ColorNamePlaceHolder, theme.ColorNameInputBackground},
		{theme.ColorNameHyperlink, theme.ColorNameBackground},
		// Status texts ("Speak now", a warning, an error) are drawn in these
		// colours straight on the background, and on the timeline's plot.
		{theme.ColorNamePrimary, theme.ColorNameBackground},
		{theme.ColorNameSuccess, theme.ColorNameBackground},
		{theme.ColorNameWarning, theme.ColorNameBackground},
		{theme.ColorNameError, theme.ColorNameBackground},
		{theme.ColorNameSuccess, theme.ColorNameInputBackground},
	}
	for _, v := range themeVariants {
		for _, p := range pairs {
			t.Run(v.name+"/"+string(p.text)+"_on_"+string(p.on), func(t *testing.T) {
				fg, bg := th.Color(p.text, v.variant), th.Color(p.on, v.variant)
				if _, _, _, a := bg.RGBA(); a != 0xffff {
					t.Fatalf("%s is not opaque; contrast is undefined", p.on)
				}
				got := contrastRatio(fg, bg)
				t.Logf("%.2f:1", got)
				if got < wantRatio {
					t.Errorf("%s on %s: contrast %.2f:1, want ≥ %.1f:1", p.text, p.on, got, wantRatio)
				}
			})
		}
	}
}

func TestThemeSizes(t *testing.T) {
	test.NewTempApp(t)
	th := ui.NewTheme()
	names := []fyne.ThemeSizeName{
		theme.SizeNameCaptionText, theme.SizeNameInlineIcon, theme.SizeNameInnerPadding,
		theme.SizeNameLineSpacing, theme.SizeNamePadding, theme.SizeNameScrollBar,
		theme.SizeNameScrollBarSmall, theme.SizeNameSeparatorThickness, theme.SizeNameText,
		theme.SizeNameHeadingText, theme.SizeNameSubHeadingText, theme.SizeNameInputBorder,
		theme.SizeNameInputRadius, theme.SizeNameSelectionRadius, theme.SizeNameScrollBarRadius,
		theme.SizeNameWindowButtonHeight, theme.SizeNameWindowButtonRadius,
		theme.SizeNameWindowButtonIcon, theme.SizeNameWindowTitleBarHeight,
	}
	for _, n := range names {
		if s := th.Size(n); !(s > 0) {
			t.Errorf("size %s = %v, want > 0", n, s)
		}
	}
	def := theme.DefaultTheme()
	if got, base := th.Size(theme.SizeNameText), def.Size(theme.SizeNameText); got <= base {
		t.Errorf("text size %v, want larger than the default %v", got, base)
	}
	caption, text := th.Size(theme.SizeNameCaptionText), th.Size(theme.SizeNameText)
	sub, heading := th.Size(theme.SizeNameSubHeadingText), th.Size(theme.SizeNameHeadingText)
	if !(caption < text && text < sub && sub < heading) {
		t.Errorf("text sizes caption %v, text %v, subheading %v, heading %v: want increasing", caption, text, sub, heading)
	}
}

func TestThemeFontsAndIconsComeFromTheDefault(t *testing.T) {
	test.NewTempApp(t)
	th := ui.NewTheme()
	if th.Font(fyne.TextStyle{}) == nil || th.Font(fyne.TextStyle{Bold: true}) == nil {
		t.Error("a font is nil")
	}
	if th.Icon(theme.IconNameMediaPlay) == nil {
		t.Error("the play icon is nil")
	}
	var zero ui.Theme // the zero value works too
	if zero.Color(theme.ColorNameForeground, theme.VariantLight) == nil || zero.Size(theme.SizeNameText) <= 0 {
		t.Error("the zero Theme has no foreground or text size")
	}
}

func TestThemeAppliesToWidgets(t *testing.T) {
	test.NewTempApp(t)
	plain, ours := widget.NewLabel("Speak now"), widget.NewLabel("Speak now")
	w := test.NewTempWindow(t, container.NewVBox(
		container.NewThemeOverride(plain, theme.DefaultTheme()),
		container.NewThemeOverride(ours, ui.NewTheme()),
	))
	w.Resize(fyne.NewSize(300, 200))
	// Larger text and padding make a larger label.
	if p, o := plain.MinSize(), ours.MinSize(); !(o.Height > p.Height && o.Width > p.Width) {
		t.Errorf("label in the default theme %v, in Fallback's %v: want Fallback's larger", p, o)
	}
}
