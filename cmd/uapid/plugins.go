package main

import (
	"errors"
	"net/http"
	"strings"

	"github.com/uapid/uapid/internal/plugin"
	"github.com/uapid/uapid/internal/sandbox"
	"github.com/uapid/uapid/internal/web"
)

// webUI is the web interface with the operator's plugin pages, if any.
// Executable pages run in the sandbox; where it cannot be set up they are
// off, unless the operator chose to run them unconfined.
func (m *Main) webUI() (http.Handler, error) {
	ui := web.New(web.Config{Invites: m.users}, m.engine, m.auth, m.Log)
	if m.Config.PluginDir == "" {
		return ui.Handler(), nil
	}
	cfg := plugin.Config{Dir: m.Config.PluginDir, Timeout: m.Config.PluginTimeout, NoPrograms: !m.Config.PluginExec}
	if m.Config.PluginExec {
		sb, err := m.pluginSandbox()
		switch {
		case err == nil:
			cfg.Sandbox = sb
			m.Log.Info("plugin: executable pages run in the sandbox", "uid_base", sb.UIDBase(), "namespaces", sb.Namespaces())
		case m.Config.PluginUnconfined:
			m.Log.Warn("plugin: executable pages run UNCONFINED as uapid's own user (plugin_unconfined)", "err", err)
		default:
			cfg.NoPrograms = true
			m.Log.Warn("plugin: executable pages are off: they cannot be confined (see plugin_unconfined in docs/plugins.md)", "err", err)
		}
	}
	plugins, err := plugin.New(cfg, m.engine, m.Log)
	if err != nil {
		return nil, err
	}
	m.plugins = plugins
	return ui.WithPlugins(plugins), nil
}

// pluginSandbox sets up the sandbox from the configuration. Pages must not
// see the data directory (database, keys, certificates, homes, admin
// socket), nor the admin socket, TLS files and SQLite database where they
// are configured outside it.
func (m *Main) pluginSandbox() (*sandbox.Sandbox, error) {
	if len(m.SandboxHelper) == 0 {
		return nil, errors.New("no sandbox helper (uapid's own executable was not found)")
	}
	c := m.Config
	return sandbox.New(sandbox.Config{
		UIDBase: int64(c.PluginUIDBase),
		Limits: sandbox.Limits{CPUSeconds: uint64(c.PluginCPU), Memory: uint64(c.PluginMemoryMB) << 20,
			Processes: uint64(c.PluginProcs), FileSize: uint64(c.PluginFileSizeMB) << 20},
		Hide:      m.pluginHidden(),
		Network:   c.PluginNetwork,
		Helper:    m.SandboxHelper,
		HelperEnv: m.SandboxHelperEnv,
	}, m.Log)
}

// pluginHidden lists what pages must not see: the data directory, and the
// admin socket, TLS files, SQLite database and configuration file (a
// PostgreSQL DSN in it may carry a password) wherever they are.
func (m *Main) pluginHidden() []string {
	c := m.Config
	hide := []string{c.DataDir}
	for _, p := range []string{c.AdminSocket, c.TLSCert, c.TLSKey, m.ConfigFile} {
		if p != "" {
			hide = append(hide, p)
		}
	}
	if c.Database != "" && !strings.Contains(c.Database, "://") {
		hide = append(hide, c.Database)
	}
	return hide
}
