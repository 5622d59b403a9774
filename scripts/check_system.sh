#!/usr/bin/env bash
# 检查并安装系统依赖 / Check (and install) the Debian packages the portal needs.
#
# 用法 / usage: scripts/check_system.sh run|test
#   run  : fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0
#   test : run 所需 + poppler-utils chromium libreoffice-calc-nogui (测试用 LibreOffice 另存的表格)
#
# 缺失时: root 且有 apt-get → 自动安装; 可免密 sudo → 用 sudo 安装;
# 否则打印需要执行的 apt-get 命令并以 1 退出。
set -euo pipefail

usage() {
    echo "用法 / usage: $0 run|test" >&2
    exit 2
}

[ "$#" -eq 1 ] || usage

RUN_PKGS=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0)
case "$1" in
    run) PKGS=("${RUN_PKGS[@]}") ;;
    test) PKGS=("${RUN_PKGS[@]}" poppler-utils chromium libreoffice-calc-nogui) ;;
    *) usage ;;
esac

is_installed() {
    # No `grep -q` here: with pipefail an early-closing grep could fail the pipe.
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep 'install ok installed' >/dev/null && return 0
    # The desktop LibreOffice Calc provides the same soffice as the -nogui package.
    [ "$1" = libreoffice-calc-nogui ] && is_installed libreoffice-calc
}

missing_pkgs() {
    local pkg
    for pkg in "${PKGS[@]}"; do
        is_installed "$pkg" || printf '%s\n' "$pkg"
    done
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "未找到 dpkg-query: 本脚本只支持 Debian/Ubuntu。请手动安装: ${PKGS[*]}" >&2
    echo "dpkg-query not found: this script supports Debian/Ubuntu only. Install manually: ${PKGS[*]}" >&2
    exit 1
fi

mapfile -t MISSING < <(missing_pkgs)

if [ "${#MISSING[@]}" -gt 0 ]; then
    INSTALL_CMD="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${MISSING[*]}"
    echo "缺少系统依赖 / missing system packages: ${MISSING[*]}"

    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "正在安装 / installing: ${MISSING[*]}"
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y "${MISSING[@]}"
    elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
        && sudo -n true 2>/dev/null; then
        echo "正在通过 sudo 安装 / installing with sudo: ${MISSING[*]}"
        sudo -n apt-get update
        sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y "${MISSING[@]}"
    else
        {
            echo
            echo "无法自动安装系统依赖 (需要 root 或免密 sudo)。请以 root 身份执行:"
            echo "Cannot install system packages automatically (need root or passwordless sudo). Run as root:"
            echo
            echo "    sudo sh -c '$INSTALL_CMD'"
            echo
            echo "然后重新运行本命令 / then re-run this command."
        } >&2
        exit 1
    fi

    # Verify the install actually worked.
    mapfile -t MISSING < <(missing_pkgs)
    if [ "${#MISSING[@]}" -gt 0 ]; then
        echo "安装后仍缺少 / still missing after install: ${MISSING[*]}" >&2
        exit 1
    fi
fi

# The PDF/HTML rendering needs the CJK font to be visible to fontconfig, not just installed.
if command -v fc-list >/dev/null 2>&1; then
    if ! fc-list :lang=zh | grep -i "Noto Sans CJK" >/dev/null; then
        echo "警告: fontconfig 中找不到 Noto Sans CJK 字体 (可尝试 fc-cache -f)" >&2
        echo "warning: fontconfig does not list Noto Sans CJK (try: fc-cache -f)" >&2
    fi
fi

echo "系统依赖已就绪 / system dependencies ready ($1)"
