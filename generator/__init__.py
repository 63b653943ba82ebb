"""generator: 从数据存储生成内网站点（Markdown 页面 → MkDocs 构建 → 原子切换上线）。"""
