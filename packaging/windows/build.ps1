<#
.SYNOPSIS
  Builds the Windows installer of Compagnon MSSanté: dist\MSSanteCompanion-<version>-setup.exe

.DESCRIPTION
  Runs on Windows 10/11 x64 with Python 3.11 (python.org or `winget install Python.Python.3.11`)
  and NSIS 3 (`winget install NSIS.NSIS` or `choco install nsis`). From the repository root:

      powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1

  Steps: a private venv (build\venv-win) with the app and the `packaging` extra; the icons
  (packaging\make_icons.py); the PyInstaller bundle (packaging\mssante-companion.spec, two
  executables: mssante-companion.exe for the command line, mssante-companion-app.exe
  windowed); a check that the bundle runs (--version); optional Authenticode signing; the
  NSIS installer (packaging\windows\installer.nsi). The version comes from
  packaging\version.py (client\__init__.py), never from this file.

  Signing (optional): set SIGN_CERT_SHA1 to the thumbprint of a code-signing certificate in
  the user's or machine's store (a hardware token works), and SIGN_TIMESTAMP_URL if the
  default RFC 3161 server does not suit. signtool.exe comes with the Windows SDK.

.PARAMETER Python
  The Python 3.11 launcher command (default: "py -3.11", else "python").
#>
[CmdletBinding()]
param(
    [string]$Python = ""
)
$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$Repo = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Repo

function Invoke-Checked {
    param([string]$Exe, [string[]]$Arguments)
    Write-Host "+ $Exe $($Arguments -join ' ')"
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe failed with exit code $LASTEXITCODE" }
}

# --- Python and the build venv ----------------------------------------------------------
if (-not $Python) {
    if (Get-Command py -ErrorAction SilentlyContinue) { $Python = "py -3.11" } else { $Python = "python" }
}
$PyParts = $Python.Split(" ")
$Venv = Join-Path $Repo "build\venv-win"
if (-not (Test-Path "$Venv\Scripts\python.exe")) {
    Invoke-Checked $PyParts[0] (@($PyParts | Select-Object -Skip 1) + @("-m", "venv", $Venv))
}
$VPy = "$Venv\Scripts\python.exe"
Invoke-Checked $VPy @("-m", "pip", "install", "--quiet", "--upgrade", "pip")
# Dependencies from the hashed lock file only (pinned, hash-checked), then the app itself.
Invoke-Checked $VPy @("-m", "pip", "install", "--quiet", "--require-hashes", "-r", "packaging\requirements.lock")
Invoke-Checked $VPy @("-m", "pip", "install", "--quiet", "--no-deps", "-e", ".")

# --- the one version ----------------------------------------------------------------------
$Version = (& $VPy packaging\version.py).Trim()
$Version4 = (& $VPy packaging\version.py --windows).Trim()
Write-Host "Compagnon MSSanté $Version ($Version4)"

# --- icons and bundle ---------------------------------------------------------------------
Invoke-Checked $VPy @("packaging\make_icons.py")
Invoke-Checked $VPy @("-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
    "--distpath", "dist", "--workpath", "build\pyinstaller", "packaging\mssante-companion.spec")
$Bundle = Join-Path $Repo "dist\mssante-companion"
foreach ($exe in @("mssante-companion.exe", "mssante-companion-app.exe")) {
    if (-not (Test-Path (Join-Path $Bundle $exe))) { throw "PyInstaller left no $exe in $Bundle" }
}
$Printed = (& "$Bundle\mssante-companion.exe" --version).Trim()
if ($Printed -ne "mssante-companion $Version") {
    throw "the bundle prints '$Printed' for --version; expected 'mssante-companion $Version'"
}

# --- optional signing -------------------------------------------------------------------
function Invoke-Sign {
    param([string[]]$Files)
    if (-not $env:SIGN_CERT_SHA1) { return }
    $Timestamp = if ($env:SIGN_TIMESTAMP_URL) { $env:SIGN_TIMESTAMP_URL } else { "http://timestamp.digicert.com" }
    Invoke-Checked "signtool.exe" (@("sign", "/sha1", $env:SIGN_CERT_SHA1, "/fd", "sha256",
        "/tr", $Timestamp, "/td", "sha256") + $Files)
}
Invoke-Sign @("$Bundle\mssante-companion.exe", "$Bundle\mssante-companion-app.exe")

# --- installer ---------------------------------------------------------------------------
$MakeNsis = (Get-Command makensis.exe -ErrorAction SilentlyContinue)
if ($MakeNsis) { $MakeNsis = $MakeNsis.Source } else { $MakeNsis = "${env:ProgramFiles(x86)}\NSIS\makensis.exe" }
if (-not (Test-Path $MakeNsis)) { throw "makensis.exe not found: install NSIS 3 (winget install NSIS.NSIS)" }
$Setup = Join-Path $Repo "dist\MSSanteCompanion-$Version-setup.exe"
Invoke-Checked $MakeNsis @("/V3", "/DVERSION=$Version", "/DVERSION4=$Version4",
    "/DBUNDLE_DIR=$Bundle", "/DICON=$Repo\build\icons\mssante-companion.ico",
    "/DOUT_FILE=$Setup", "packaging\windows\installer.nsi")
Invoke-Sign @($Setup)
Write-Host "Built $Setup"
